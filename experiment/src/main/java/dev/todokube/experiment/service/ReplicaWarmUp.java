package dev.todokube.experiment.service;

import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warms a freshly started replica up before it takes the measured load: read-only GetTodos calls, a
 * few in flight at a time, until a count or a time limit is reached. A JVM compiles its hot path in
 * its first seconds; two cold replicas and a cold load generator starting together on a small
 * machine otherwise answer the first users' calls in seconds, past their deadline. A production
 * rollout does the same with a warm-up step before a pod gets traffic.
 */
public final class ReplicaWarmUp {

    /** Calls in flight at once: enough to exercise the transport, few enough not to queue. */
    private static final int IN_FLIGHT = 16;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    /** How the warm-up went: calls answered OK, calls that failed, and how long it took. */
    public record Outcome(long ok, long failed, Duration took) {
    }

    private ReplicaWarmUp() {
    }

    /**
     * Sends up to {@code calls} GetTodos calls to {@code replica}, stopping early at {@code limit};
     * returns once every call it started has ended (or the limit has passed).
     */
    public static Outcome run(Endpoint replica, int calls, Duration limit) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(replica.host(), replica.port())
                .usePlaintext().directExecutor().build();
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        try {
            TodosGrpc.TodosStub stub = TodosGrpc.newStub(channel);
            for (int i = 0; i < calls; i++) {
                if (!slots.tryAcquire(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .getTodos(Request.getDefaultInstance(), new StreamObserver<Response>() {
                            @Override
                            public void onNext(Response response) {
                            }

                            @Override
                            public void onError(Throwable error) {
                                failed.incrementAndGet();
                                slots.release();
                            }

                            @Override
                            public void onCompleted() {
                                ok.incrementAndGet();
                                slots.release();
                            }
                        });
            }
            slots.tryAcquire(IN_FLIGHT, Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Outcome(ok.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
