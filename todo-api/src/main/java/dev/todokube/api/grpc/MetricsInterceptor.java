package dev.todokube.api.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts every call by service, method and status code ({@code grpc_server_handled_total}) and times
 * it ({@code grpc_server_call_duration_seconds}, a histogram with fixed buckets), and gauges the calls
 * in flight ({@code grpc_server_calls_in_flight}). Install it
 * outermost, so calls that auth rejects are counted too.
 */
public final class MetricsInterceptor implements ServerInterceptor {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10),
    };

    private final MeterRegistry registry;
    private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public MetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("grpc.server.calls.in.flight", inFlight, AtomicInteger::get)
                .description("gRPC calls started and not yet completed")
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        String method = call.getMethodDescriptor().getBareMethodName();
        long start = System.nanoTime();
        AtomicBoolean recorded = new AtomicBoolean();
        inFlight.incrementAndGet();
        Runnable onCancel = () -> record(recorded, service, method, Status.Code.CANCELLED, start);
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record(recorded, service, method, status.getCode(), start);
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(observed, headers)) {
            @Override
            public void onCancel() {
                // Deadline, client cancel, or a transport-level reject (e.g. message too large).
                onCancel.run();
                super.onCancel();
            }
        };
    }

    private void record(AtomicBoolean recorded, String service, String method, Status.Code code, long start) {
        if (recorded.compareAndSet(false, true)) {
            inFlight.decrementAndGet();
            Meters m = meters.computeIfAbsent(new Labels(service, method, code.name()), this::register);
            m.handled().increment();
            m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Meters register(Labels labels) {
        String[] tags = {"service", labels.service(), "method", labels.method(), "code", labels.code()};
        return new Meters(
                Counter.builder("grpc.server.handled")
                        .description("gRPC calls completed, by status code")
                        .tags(tags)
                        .register(registry),
                Timer.builder("grpc.server.call.duration")
                        .description("gRPC call latency from headers to status")
                        .tags(tags)
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry));
    }

    private record Labels(String service, String method, String code) {
    }

    private record Meters(Counter handled, Timer duration) {
    }
}
