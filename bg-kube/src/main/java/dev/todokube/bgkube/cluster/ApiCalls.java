package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Calls to the API server that ride out its blips. A call that got no answer (refused, reset, timed
 * out) or an answer that says "try again" (429, 500, 502, 503, 504) is repeated with growing pauses
 * until it succeeds or the retry window has passed; any other answer (403, 404, 409, 422) is final at
 * once. Every write bg-kube repeats is safe to repeat: server-side applies, merge patches, scales,
 * deletes that accept "already gone"; creates are made safe where they are used (the lease, Jobs).
 */
final class ApiCalls {

    private static final Set<Integer> TRY_AGAIN = Set.of(429, 500, 502, 503, 504);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final Duration window;
    private final Consumer<String> log;

    ApiCalls(Duration window, Consumer<String> log) {
        this.window = window;
        this.log = log;
    }

    Duration window() {
        return window;
    }

    /** The same calls made once: for work that is repeated anyway, such as a lease's renewal. */
    ApiCalls once() {
        return new ApiCalls(Duration.ZERO, log);
    }

    <T> T call(String what, Supplier<T> call) {
        long deadline = System.nanoTime() + window.toNanos();
        long pause = FIRST_PAUSE.toMillis();
        boolean announced = false;
        while (true) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                if (System.nanoTime() + pause * 1_000_000 >= deadline) {
                    throw new ClusterException("the Kubernetes API server did not answer " + what
                            + (window.isZero() ? "" : " for " + window.toSeconds() + "s") + ": " + describe(e) + (e.getCode() > 0 ? ""
                            : " (cannot reach it: check KUBECONFIG or ~/.kube/config, and --kube-context)"), e);
                }
                if (!announced) {
                    log.accept("Kubernetes API: " + what + " failed (" + describe(e) + "); retrying for up to "
                            + window.toSeconds() + "s");
                    announced = true;
                }
                sleep(pause, what);
                pause = Math.min(pause * 2, LONGEST_PAUSE.toMillis());
            }
        }
    }

    void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /**
     * No answer at all, or an answer that asks to try again later; never a call this thread gave up
     * because it was interrupted (a stop request: it must end, not wait).
     */
    static boolean isTransient(KubernetesClientException e) {
        if (Thread.currentThread().isInterrupted() || causes(e).anyMatch(InterruptedException.class::isInstance)) {
            return false;
        }
        if (TRY_AGAIN.contains(e.getCode())) {
            return true;
        }
        return e.getCode() <= 0 && causes(e).anyMatch(c -> c instanceof IOException || c instanceof TimeoutException);
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, c -> c.getCause() == c ? null : c.getCause());
    }

    /** One line: the API's status message and code, or the connection problem. */
    static String describe(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage() + " (HTTP " + e.getCode() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage().lines().findFirst().orElse("");
        return e.getCode() > 0 ? message + " (HTTP " + e.getCode() + ")" : message;
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while retrying " + what, e);
        }
    }
}
