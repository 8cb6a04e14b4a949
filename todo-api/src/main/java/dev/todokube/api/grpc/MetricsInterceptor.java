package dev.todokube.api.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts every call by service, method and status code ({@code grpc_server_handled_total}) and times
 * it ({@code grpc_server_call_duration_seconds}, a histogram with fixed buckets), and gauges the calls
 * in flight ({@code grpc_server_calls_in_flight}). Install it
 * outermost, so calls that auth rejects are counted too.
 *
 * <p>{@link #registerEveryCode()} registers the counter of every method of the services it is given
 * for every status code, at zero (and the OK calls' histogram with them): PromQL's {@code increase()}
 * ignores a series whose first sample falls inside its window, so a code first returned mid-window
 * would otherwise count nothing there. The server calls it at the first scrape, so every scrape
 * shows every series and the start pays nothing for them. The other codes' histograms, rare and ten
 * times the lines each, start with their first call.
 */
public final class MetricsInterceptor implements ServerInterceptor {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10),
    };
    private static final Status.Code[] CODES = Status.Code.values();

    private final MeterRegistry registry;
    private final List<ServiceDescriptor> services;
    /** By full method name, e.g. {@code grpc.Todos/GetTodos}. */
    private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param services whose methods' counters {@link #registerEveryCode()} registers */
    public MetricsInterceptor(MeterRegistry registry, List<ServiceDescriptor> services) {
        this.registry = registry;
        this.services = List.copyOf(services);
        Gauge.builder("grpc.server.calls.in.flight", inFlight, AtomicInteger::get)
                .description("gRPC calls started and not yet completed")
                .register(registry);
    }

    /** Registers every code's counter of every method of the services, at zero unless already counted. */
    public void registerEveryCode() {
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                meters(method);
            }
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        MethodMeters meters = meters(call.getMethodDescriptor());
        long start = System.nanoTime();
        AtomicBoolean recorded = new AtomicBoolean();
        inFlight.incrementAndGet();
        Runnable onCancel = () -> record(recorded, meters, Status.Code.CANCELLED, start);
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record(recorded, meters, status.getCode(), start);
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

    private MethodMeters meters(MethodDescriptor<?, ?> method) {
        // A plain get first: computeIfAbsent locks its bin even when the entry is already there.
        MethodMeters meters = methods.get(method.getFullMethodName());
        return meters != null ? meters : methods.computeIfAbsent(method.getFullMethodName(),
                name -> new MethodMeters(method.getServiceName(), method.getBareMethodName()));
    }

    private void record(AtomicBoolean recorded, MethodMeters meters, Status.Code code, long start) {
        if (recorded.compareAndSet(false, true)) {
            inFlight.decrementAndGet();
            meters.record(code, System.nanoTime() - start);
        }
    }

    /** One method's counter per status code, registered at once, and its histograms per code. */
    private final class MethodMeters {

        private final String service;
        private final String method;
        private final Counter[] handled = new Counter[CODES.length];
        private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(CODES.length);

        MethodMeters(String service, String method) {
            this.service = service;
            this.method = method;
            for (Status.Code code : CODES) {
                handled[code.ordinal()] = Counter.builder("grpc.server.handled")
                        .description("gRPC calls completed, by status code")
                        .tags(tags(code))
                        .register(registry);
            }
            duration(Status.Code.OK);
        }

        void record(Status.Code code, long nanos) {
            handled[code.ordinal()].increment();
            duration(code).record(nanos, TimeUnit.NANOSECONDS);
        }

        private Timer duration(Status.Code code) {
            Timer timer = durations.get(code.ordinal());
            if (timer == null) {
                // Registering twice returns the same timer, so a race here is harmless.
                timer = Timer.builder("grpc.server.call.duration")
                        .description("gRPC call latency from headers to status")
                        .tags(tags(code))
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry);
                durations.set(code.ordinal(), timer);
            }
            return timer;
        }

        private String[] tags(Status.Code code) {
            return new String[] {"service", service, "method", method, "code", code.name()};
        }
    }
}
