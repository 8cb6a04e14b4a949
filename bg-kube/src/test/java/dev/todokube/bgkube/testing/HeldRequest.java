package dev.todokube.bgkube.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/** A request the mock API server holds for the test: nothing is applied until it is released. */
public final class HeldRequest {

    private final ApiRequest request;
    private final IntSupplier release;
    private final Runnable abandon;
    private final AtomicBoolean decided = new AtomicBoolean();

    HeldRequest(ApiRequest request, IntSupplier release, Runnable abandon) {
        this.request = request;
        this.release = release;
        this.abandon = abandon;
    }

    public ApiRequest request() {
        return request;
    }

    /**
     * Applies the request and answers it (also when the client gave up meanwhile: the write then
     * happened without the client knowing).
     *
     * @return the HTTP code of the answer
     */
    public int release() {
        decide();
        return release.getAsInt();
    }

    /** Closes the connection without applying the request, as an API server that died with it. */
    public void abandon() {
        decide();
        abandon.run();
    }

    /** Abandons it unless the test already decided. */
    void abandonIfHeld() {
        if (decided.compareAndSet(false, true)) {
            abandon.run();
        }
    }

    private void decide() {
        if (!decided.compareAndSet(false, true)) {
            throw new IllegalStateException("already released or abandoned: " + request);
        }
    }
}
