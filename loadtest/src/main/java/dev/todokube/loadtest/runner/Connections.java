package dev.todokube.loadtest.runner;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Channels to the target for the users: one per user, or a shared pool. A channel resolves all
 * addresses of the target and balances calls round-robin over them, except in connection-per-user
 * mode, where each user's channel keeps one connection to one of them (pick_first).
 */
public final class Connections implements AutoCloseable {

    private static final Map<String, ?> ROUND_ROBIN = policy("round_robin", Map.of());
    private static final Map<String, ?> PICK_FIRST = policy("pick_first", Map.of());
    private static final Map<String, ?> SHUFFLED_PICK_FIRST = policy("pick_first", Map.of("shuffleAddressList", true));

    private final Target target;
    private final ChannelCredentials credentials;
    private final ChannelMode mode;
    private final List<ManagedChannel> shared = new ArrayList<>();
    /** Per-user channels opened ahead of their users, handed out first. */
    private final Deque<ManagedChannel> openedAhead = new ArrayDeque<>();

    /**
     * @throws UncheckedIOException when the CA file cannot be read
     */
    public Connections(Target target, Transport transport, ChannelMode mode) {
        this.target = target;
        this.mode = mode;
        this.credentials = credentials(transport);
        if (mode instanceof ChannelMode.Shared pool) {
            for (int i = 0; i < pool.size(); i++) {
                shared.add(newChannel(target, ROUND_ROBIN));
            }
        }
    }

    /**
     * Connects the shared channels and waits until they are ready, at most {@code timeout}.
     * Calls started on a channel that is still connecting queue up inside it, and thousands of
     * them released at once when it connects stall it for seconds; so users start only once the
     * pool is connected (or the target has proven unreachable, when calls fail fast anyway).
     *
     * @return true if every shared channel is ready
     */
    public boolean awaitShared(Duration timeout) throws InterruptedException {
        return awaitReady(shared, timeout);
    }

    private static boolean awaitReady(List<ManagedChannel> channels, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ready = true;
            for (ManagedChannel channel : channels) {
                ConnectivityState state = channel.getState(true);
                if (state == ConnectivityState.TRANSIENT_FAILURE) {
                    return false;
                }
                ready &= state == ConnectivityState.READY;
            }
            if (ready) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Opens the channels of the next {@code users} users now (per-user mode; the shared pool in
     * shared mode) and waits until they are connected, at most {@code timeout}: a connection is
     * the generator's set-up, not a call's latency, so the first users' first calls should not
     * pay for it. Users spawned later connect when they start, as a Locust user does.
     *
     * @return true if every channel is ready
     */
    public synchronized boolean connectAhead(int users, Duration timeout) throws InterruptedException {
        if (mode instanceof ChannelMode.PerUser) {
            for (int i = 0; i < users; i++) {
                openedAhead.add(newChannel(target, ROUND_ROBIN));
            }
        }
        return awaitReady(mode instanceof ChannelMode.Shared ? shared : List.copyOf(openedAhead), timeout);
    }

    /** The channel of the user with this index; {@link #release} gives it back when the user stops. */
    public synchronized ManagedChannel acquire(int userIndex) {
        if (mode instanceof ChannelMode.Shared) {
            return shared.get(userIndex % shared.size());
        }
        if (mode instanceof ChannelMode.ConnectionPerUser) {
            return target instanceof Target.Static fixed
                    ? newChannel(fixed.rotatedBy(userIndex), PICK_FIRST)
                    : newChannel(target, SHUFFLED_PICK_FIRST);
        }
        ManagedChannel ahead = openedAhead.poll();
        return ahead != null ? ahead : newChannel(target, ROUND_ROBIN);
    }

    /** Closes a per-user channel; shared channels stay open until {@link #close}. */
    public void release(ManagedChannel channel) {
        if (!shared.contains(channel)) {
            channel.shutdown();
        }
    }

    @Override
    public synchronized void close() {
        openedAhead.forEach(ManagedChannel::shutdownNow);
        openedAhead.clear();
        shared.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : shared) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // nameResolverFactory is deprecated in favour of a global NameResolverRegistry; a per-channel
    // factory keeps this tool free of process-wide state.
    @SuppressWarnings("deprecation")
    private ManagedChannel newChannel(Target to, Map<String, ?> serviceConfig) {
        ManagedChannelBuilder<?> builder;
        if (to instanceof Target.Listed listed) {
            builder = Grpc.newChannelBuilder(AddressListResolverFactory.channelTarget(), credentials)
                    .nameResolverFactory(new AddressListResolverFactory(listed));
        } else {
            builder = Grpc.newChannelBuilder(to.toString(), credentials);
        }
        return builder
                .defaultServiceConfig(serviceConfig)
                .directExecutor()
                .userAgent("todokube-loadtest")
                .build();
    }

    // A service config that names the load balancing policy (and its settings): the one way to give
    // pick_first its address shuffling.
    private static Map<String, ?> policy(String name, Map<String, ?> settings) {
        return Map.of("loadBalancingConfig", List.of(Map.of(name, settings)));
    }

    private static ChannelCredentials credentials(Transport transport) {
        if (!transport.tls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (transport.caFile().isPresent()) {
            try {
                tls.trustManager(transport.caFile().get().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CA file " + transport.caFile().get() + ": " + e.getMessage(), e);
            }
        }
        return tls.build();
    }
}
