package dev.todokube.bgkube.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link FaultRule} in force on the mock API server: what it hit so far, and the requests it holds. */
public final class InjectedFault {

    private final FaultRule rule;
    private final List<ApiRequest> hits = new ArrayList<>();
    private final BlockingQueue<HeldRequest> held = new LinkedBlockingQueue<>();
    private final List<HeldRequest> allHeld = new ArrayList<>();
    private int seen;
    private boolean removed;

    InjectedFault(FaultRule rule) {
        this.rule = rule;
    }

    public FaultRule rule() {
        return rule;
    }

    /** The requests the fault was applied to, in order. */
    public synchronized List<ApiRequest> hits() {
        return List.copyOf(hits);
    }

    /** Waits until the fault was applied {@code count} times in all; fails the test after the timeout. */
    public synchronized void awaitHits(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (hits.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("fault " + rule + " hit " + hits.size() + " of " + count + " requests within "
                        + timeout + "; hits: " + hits);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * The next request this (hold) fault holds, waiting for it to arrive; fails the test after the
     * timeout. Held requests come in the order they arrived.
     */
    public HeldRequest awaitHeld(Duration timeout) throws InterruptedException {
        if (!(rule.fault() instanceof Fault.Hold)) {
            throw new IllegalStateException("not a hold fault: " + rule);
        }
        HeldRequest request = held.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("no request held by " + rule + " within " + timeout);
        }
        return request;
    }

    /** The fault stops; requests it holds are abandoned. */
    public void remove() {
        synchronized (this) {
            removed = true;
        }
        abandonHeld();
    }

    /** Abandons the requests it holds now (the API server went away); the fault stays in force. */
    void abandonHeld() {
        List<HeldRequest> pending;
        synchronized (this) {
            pending = List.copyOf(allHeld);
        }
        pending.forEach(HeldRequest::abandonIfHeld);
    }

    /**
     * Counts a request the matcher picks (also one an earlier rule takes); true when this fault
     * applies to it, which it can only when no earlier rule took it.
     */
    synchronized boolean take(ApiRequest request, boolean available) {
        if (removed || !rule.matcher().test(request)) {
            return false;
        }
        seen++;
        if (!available || seen < rule.nth() || hits.size() >= rule.times()) {
            return false;
        }
        hits.add(request);
        notifyAll();
        return true;
    }

    synchronized void holding(HeldRequest request) {
        allHeld.add(request);
        held.add(request);
    }
}
