package dev.todokube.bgkube.process;

import java.util.Optional;

/**
 * A request to stop this bg-kube process (SIGINT, SIGTERM), from the thread that received it to the
 * thread doing the work: the worker is interrupted, so whatever it waits for (a Deployment, a
 * command, the watch's next sample) ends at once, and it then undoes its half-done release before the
 * process exits. Without this, the JVM would exit in the middle of a step and leave it for the next
 * command to find.
 */
public final class StopSignal {

    private volatile String reason;
    private volatile Thread worker;

    /** The thread whose work a stop interrupts (the command's thread). */
    public void workOn(Thread thread) {
        worker = thread;
    }

    /** Asks the work to stop: remembered, and its thread interrupted. */
    public void request(String why) {
        reason = why;
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Why a stop was requested (e.g. "a SIGINT or SIGTERM"); empty when none was. */
    public Optional<String> requested() {
        return Optional.ofNullable(reason);
    }
}
