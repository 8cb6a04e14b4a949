package dev.todokube.experiment.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a todo-api replica: the project's launcher (todo-api/bin/todo-api), which
 * starts the service as its container images do, optionally inside a pod's CPU quota and memory
 * limit through bench/in-pod-budget.
 */
public record TodoApiLaunch(List<String> command) {

    public TodoApiLaunch {
        command = List.copyOf(command);
    }

    public static TodoApiLaunch plain(Path launcher) {
        return new TodoApiLaunch(List.of(launcher.toString()));
    }

    public static TodoApiLaunch inPodBudget(Path budgetTool, PodBudget budget, Path launcher) {
        List<String> command = new ArrayList<>(budgetTool(budgetTool, budget));
        command.add("--");
        command.add(launcher.toString());
        return new TodoApiLaunch(command);
    }

    /** The budget tool's command line without the command to run (also its {@code --check}). */
    public static List<String> budgetTool(Path budgetTool, PodBudget budget) {
        return List.of(budgetTool.toString(), "--cpu", budget.cpu(), "--memory", budget.memory());
    }
}
