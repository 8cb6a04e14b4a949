package dev.todokube.loadtest.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of {@code loadtest.jar}: {@code run} (standalone) and {@code worker} (Locust worker). */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "loadtest 0.1.0",
        description = "gRPC load generator for the Todos service: standalone, or as workers of a Locust 2.x master.",
        subcommands = {RunCommand.class, WorkerCommand.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs the command line and returns its exit code: 0 success, 1 some calls failed (run),
     * 2 invalid options (one line saying what is wrong, on {@code err}).
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine command = ex.getCommandLine();
            command.getErr().println("loadtest: " + ex.getMessage());
            command.getErr().println("Try 'loadtest " + (command == commandLine ? "" : command.getCommandName() + " ")
                    + "--help' for the options.");
            return CommandLine.ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, command, parseResult) -> {
            command.getErr().println("loadtest: " + ex.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run or worker");
    }
}
