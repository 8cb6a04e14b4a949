package dev.todokube.loadtest.locust;

/** How a worker ended. */
public sealed interface WorkerOutcome {

    /** The master said quit. */
    record Quit() implements WorkerOutcome {
    }

    /** {@link LocustWorker#close()} stopped it (e.g. on SIGTERM). */
    record Closed() implements WorkerOutcome {
    }

    /** It failed and cannot go on; {@code reason} says why. */
    record Failed(String reason) implements WorkerOutcome {
    }
}
