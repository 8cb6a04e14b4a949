package dev.todokube.bgkube.testing;

import java.time.Duration;

/** What the mock API server does to a request a {@link FaultRule} picks. */
public sealed interface Fault permits Fault.Status, Fault.Slow, Fault.Drop, Fault.Hold {

    /**
     * Answered with a Kubernetes Status of this code and its reason (500 InternalError, 409
     * Conflict, 403 Forbidden, 422 Invalid, 429 TooManyRequests with Retry-After: 1, 503
     * ServiceUnavailable, also 400, 401, 404, 504); the request is not applied.
     */
    static Fault status(int code) {
        return new Status(code);
    }

    /** Applied at once, answered only after the delay: a client that gives up first saw a failure of a write that happened. */
    static Fault slow(Duration delay) {
        return new Slow(delay);
    }

    /** The connection is closed without an answer; nothing is applied. */
    static Fault drop() {
        return new Drop();
    }

    /**
     * The request waits until the test {@linkplain HeldRequest#release() releases} it (applied and
     * answered) or {@linkplain HeldRequest#abandon() abandons} it (never applied, the connection
     * closed); see {@link InjectedFault#awaitHeld}.
     */
    static Fault hold() {
        return new Hold();
    }

    record Status(int code) implements Fault {
        public Status {
            StatusError.requireKnown(code);
        }
    }

    record Slow(Duration delay) implements Fault {
        public Slow {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a negative delay: " + delay);
            }
        }
    }

    record Drop() implements Fault {}

    record Hold() implements Fault {}
}
