package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or the timeout passes, telling the user what is awaited:
 * {@code waiting for deployment todo-api-green: 1/2 ready (12s of 120s)} whenever the state
 * changes, and at least every ten seconds.
 */
final class Waiter {

    private static final Duration REPEAT_EVERY = Duration.ofSeconds(10);

    /** One look at the awaited object: the result once it is there, and a short state for the progress line. */
    record Poll<T>(Optional<T> result, String state) {

        static <T> Poll<T> done(T result) {
            return new Poll<>(Optional.of(result), "done");
        }

        static <T> Poll<T> pending(String state) {
            return new Poll<>(Optional.empty(), state);
        }
    }

    private final Consumer<String> log;
    private final Duration pollInterval;

    Waiter(Consumer<String> log, Duration pollInterval) {
        this.log = log;
        this.pollInterval = pollInterval;
    }

    private static String diagnosis(Function<String, String> diagnose, String state) {
        try {
            return diagnose.apply(state);
        } catch (KubernetesClientException e) {
            return "no diagnosis: the API server did not answer (" + ApiCalls.describe(e) + ")";
        }
    }

    /** One poll; an API server that did not answer this time is a state to wait through, not a failure. */
    private static <T> Poll<T> pollOnce(Supplier<Poll<T>> poll) {
        try {
            return poll.get();
        } catch (KubernetesClientException e) {
            if (!ApiCalls.isTransient(e)) {
                throw e;
            }
            return Poll.pending("the API server did not answer (" + ApiCalls.describe(e) + ")");
        }
    }

    /**
     * @param what e.g. "deployment todo-api-green"
     * @param diagnose explains, from the cluster, why the wait timed out; given the last state
     */
    <T> T await(String what, Duration timeout, Supplier<Poll<T>> poll, Function<String, String> diagnose) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String lastState = null;
        long lastPrinted = start;
        while (true) {
            Poll<T> current = pollOnce(poll);
            if (current.result().isPresent()) {
                return current.result().get();
            }
            long now = System.nanoTime();
            if (!current.state().equals(lastState) || now - lastPrinted >= REPEAT_EVERY.toNanos()) {
                log.accept("waiting for " + what + ": " + current.state() + " (" + Duration.ofNanos(now - start).toSeconds()
                        + "s of " + timeout.toSeconds() + "s)");
                lastState = current.state();
                lastPrinted = now;
            }
            if (now >= deadline) {
                throw new ClusterException("timed out after " + timeout.toSeconds() + "s waiting for " + what + " ("
                        + current.state() + "): " + diagnosis(diagnose, current.state()));
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pollInterval.toMillis(), (deadline - now) / 1_000_000 + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted while waiting for " + what, e);
            }
        }
    }
}
