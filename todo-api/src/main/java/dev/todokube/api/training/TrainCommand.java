package dev.todokube.api.training;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code todo-api train --target HOST:PORT --metrics-port PORT}: the client side of a class/AOT
 * cache training run. It drives a running service (the JVM that writes the cache, started by
 * bin/train-cache) with a production-like call mix through a real gRPC channel, from a JVM of its
 * own: so the cache holds what serving loads and profiles, and none of the client's classes, which
 * a cache makes the JVM load at every start.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Drive a running todo-api with the training call mix (the client side of bin/train-cache).")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--target", paramLabel = "HOST:PORT", required = true, description = "The service's gRPC address.")
    private String target;

    @Option(names = "--metrics-port", paramLabel = "PORT", required = true,
            description = "The service's metrics port, scraped once (on the target's host).")
    private int metricsPort;

    @Option(names = "--calls", paramLabel = "N", defaultValue = "20000", description = "Calls to make (default: ${DEFAULT-VALUE}).")
    private int calls;

    private final PrintStream out;
    private final PrintStream err;

    public TrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (calls < 1) {
            err.println("todo-api train: --calls must be at least 1, got " + calls);
            return 2;
        }
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon < 1 || port < 1 || port > 65535) {
            err.println("todo-api train: --target \"" + target + "\" is not HOST:PORT");
            return 2;
        }
        try {
            CallMix.Result result = CallMix.run(target.substring(0, colon), port, metricsPort, calls);
            out.printf("train: %d calls, %d todos at the end%n", result.calls(), result.todosAtEnd());
            return 0;
        } catch (IOException | CallMix.TrainingFailure e) {
            err.println("todo-api train: " + e.getMessage());
            return 1;
        }
    }
}
