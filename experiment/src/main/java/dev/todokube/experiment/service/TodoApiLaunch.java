package dev.todokube.experiment.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a todo-api replica: the project's launcher (todo-api/bin/todo-api), which
 * starts the service as its container images do, or another server's command line, optionally
 * inside a pod's CPU quota and memory limit through bench/in-pod-budget.
 */
public record TodoApiLaunch(List<String> command) {

    public TodoApiLaunch {
        command = List.copyOf(command);
    }

    public static TodoApiLaunch plain(Path launcher) {
        return new TodoApiLaunch(List.of(launcher.toString()));
    }

    public static TodoApiLaunch inPodBudget(Path budgetTool, PodBudget budget, Path launcher) {
        return inPodBudget(budgetTool, budget, plain(launcher));
    }

    /** {@code server} inside the pod budget. */
    public static TodoApiLaunch inPodBudget(Path budgetTool, PodBudget budget, TodoApiLaunch server) {
        List<String> command = new ArrayList<>(budgetTool(budgetTool, budget));
        command.add("--");
        command.addAll(server.command());
        return new TodoApiLaunch(command);
    }

    /**
     * Another server in todo-api's place: a command line as the user typed it, which the shell replaces
     * itself with ({@code exec}), so that the server gets the pod's signals (SIGTERM to drain).
     */
    public static TodoApiLaunch serverCommand(String commandLine) {
        return new TodoApiLaunch(List.of("/bin/sh", "-c", "exec " + commandLine));
    }

    /** The budget tool's command line without the command to run (also its {@code --check}). */
    public static List<String> budgetTool(Path budgetTool, PodBudget budget) {
        return List.of(budgetTool.toString(), "--cpu", budget.cpu(), "--memory", budget.memory());
    }
}
