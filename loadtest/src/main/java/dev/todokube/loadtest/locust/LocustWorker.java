package dev.todokube.loadtest.locust;

import dev.todokube.duration.Durations;
import dev.todokube.loadtest.runner.Connections;
import dev.todokube.loadtest.runner.LocalRunner;
import dev.todokube.loadtest.runner.Target;
import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.stats.StatsInterval;
import dev.todokube.loadtest.user.TaskSet;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.WaitTime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * A Locust 2.x worker: joins a stock Locust master over ZeroMQ and runs the users it is told to
 * run, in this JVM, reporting stats as a Python worker does.
 *
 * <p>States as Locust's: {@code ready} after the master's ack, {@code spawning}, {@code running};
 * {@code stop} brings it back to {@code ready} (client_stopped, then client_ready again);
 * {@code quit} ends it. On stop and quit the stats go to the master at once (a quitting master
 * listens for half a second only), then calls in flight are given the spawn message's
 * {@code stop_timeout}.
 *
 * <p>It never gives up while it runs: a master whose name does not resolve is retried with a
 * growing pause and a log line each time; client_ready is re-sent until the master answers; a
 * lost connection, a {@code reconnect} from the master, or a master whose heartbeats stop
 * (newer masters answer every heartbeat; one that dropped this worker stops answering) make it
 * rejoin with client_ready. Users keep running meanwhile, as with Locust's own worker. Anything
 * else that goes wrong ends it with {@link WorkerOutcome.Failed}.
 *
 * <p>One I/O thread owns the ZeroMQ socket (sockets are single-threaded); other threads hand it
 * messages through a queue.
 */
public final class LocustWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocustWorker.class);
    /** Unanswered client_ready messages after which the connection is replaced. */
    private static final int RESET_AFTER_ATTEMPTS = 3;
    private static final long RECONNECT_PAUSE_MILLIS = 500;
    private static final Duration FIRST_CONNECT_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_CONNECT_RETRY = Duration.ofSeconds(30);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final WorkerSettings settings;
    private final Clock clock;
    private final String nodeId;
    private final RequestStats stats;
    private final Queue<Message> outbox = new ConcurrentLinkedQueue<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread ioThread;
    private final Set<String> reportedUnknownClasses = new HashSet<>();
    private volatile boolean closeRequested;
    private volatile String state = "ready";
    private volatile boolean acknowledged;
    private volatile Map<String, Integer> userClassesCount = Map.of();
    private volatile WorkerOutcome outcome;
    private volatile Duration stopTimeout = Duration.ZERO;
    // Owned by the I/O thread:
    private ZContext context;
    private MasterLink link;
    private int generation;
    private int readyAttempts;
    private long readySentAt;
    private long nextConnectAttempt;
    private Duration connectRetry = FIRST_CONNECT_RETRY;
    /** When the master's last heartbeat came (System.nanoTime); 0 until one comes (Locust 2.12 sends none). */
    private long masterHeartbeatAt;
    /** While a stop waits for calls in flight: until when (System.nanoTime). */
    private long stoppingUntil;
    private boolean stopping;
    /** The TCP connection went since the link opened; when it is back, client_ready goes again. */
    private boolean connectionLost;
    private LocalRunner runner;
    private Target runnerTarget;
    private double lastSpawnTimestamp = Double.NEGATIVE_INFINITY;

    public LocustWorker(WorkerSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.nodeId = hostName() + "_" + UUID.randomUUID().toString().replace("-", "");
        this.stats = new RequestStats(clock);
        this.ioThread = new Thread(this::ioLoop, "locust-worker-io");
    }

    /** This worker's id on the master, as Locust's: hostname_uuid. */
    public String nodeId() {
        return nodeId;
    }

    /** Whether the master has acknowledged this worker (and not been lost since). */
    public boolean connected() {
        return acknowledged;
    }

    public void start() {
        ioThread.start();
    }

    /** Waits until the master said quit, {@link #close} finished or the worker failed; true if so within the timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How the worker ended; empty while it runs. */
    public Optional<WorkerOutcome> outcome() {
        return terminated.getCount() == 0 ? Optional.of(outcome) : Optional.empty();
    }

    /**
     * Stops the users, sends the last stats and quit to the master, and ends the worker (waits up
     * to the stop timeout plus 10 s).
     */
    @Override
    public void close() {
        closeRequested = true;
        if (ioThread.isAlive()) {
            try {
                ioThread.join(stopTimeout.plus(CLOSE_GRACE).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ioLoop() {
        WorkerOutcome end = new WorkerOutcome.Closed();
        try (ZContext zmq = new ZContext()) {
            context = zmq;
            LOG.info("Joining Locust master at {}:{} as worker {}", settings.masterHost(), settings.masterPort(), nodeId);
            long nextHeartbeat = System.nanoTime();
            long nextStats = System.nanoTime() + settings.statsInterval().toNanos();
            boolean quit = false;
            while (!quit && !closeRequested) {
                if (link == null) {
                    connectWhenDue();
                    continue;
                }
                flushOutbox();
                watchConnection();
                long now = System.nanoTime();
                if (!acknowledged && now - readySentAt > settings.readyRetry().toNanos()) {
                    LOG.warn("No answer from the Locust master at {}:{} after {} attempt(s); retrying every {}",
                            settings.masterHost(), settings.masterPort(), readyAttempts,
                            Durations.format(settings.readyRetry()));
                    if (readyAttempts % RESET_AFTER_ATTEMPTS == 0) {
                        // A connection the master dropped without closing it (e.g. it still held our
                        // identity when we reconnected) never recovers by itself: start a fresh one.
                        resetLink();
                    } else {
                        sendReady();
                    }
                    continue;
                }
                if (acknowledged && now >= nextHeartbeat) {
                    link.send(WorkerMessages.heartbeat(nodeId, state, cpuPercent(), memoryBytes()));
                    nextHeartbeat = now + settings.heartbeatInterval().toNanos();
                }
                if (now >= nextStats) {
                    sendStats();
                    nextStats = now + settings.statsInterval().toNanos();
                }
                if (stopping && (runner == null || runner.callsInFlight() == 0 || now >= stoppingUntil)) {
                    finishStop();
                }
                Received received = receiveOne();
                quit = received == Received.QUIT;
                // Only with nothing left to read: after a long pause (GC, a frozen process) what the
                // master sent meanwhile, such as a stop, is handled before the connection is replaced.
                if (received == Received.NOTHING && acknowledged && masterHeartbeatAt != 0
                        && System.nanoTime() - masterHeartbeatAt > settings.masterHeartbeatTimeout().toNanos()) {
                    LOG.warn("No heartbeat from the Locust master at {}:{} for {}; it may have dropped this worker:"
                                    + " rejoining (users keep running)", settings.masterHost(), settings.masterPort(),
                            Durations.format(settings.masterHeartbeatTimeout()));
                    acknowledged = false;
                    resetLink();
                }
            }
            finish(quit);
            end = quit ? new WorkerOutcome.Quit() : new WorkerOutcome.Closed();
        } catch (RuntimeException | Error e) {
            LOG.error("Locust worker failed: {}", e.toString(), e);
            end = new WorkerOutcome.Failed(e.toString());
        } finally {
            closeRunner();
            outcome = end;
            terminated.countDown();
        }
    }

    /** What {@link #receiveOne} got. */
    private enum Received { NOTHING, MESSAGE, QUIT }

    /** Handles the master's next message, if one comes within a few milliseconds. */
    private Received receiveOne() {
        Optional<Message> received;
        try {
            received = link.receive();
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignored a message from the master: {}", e.getMessage());
            return Received.MESSAGE;
        }
        if (received.isEmpty()) {
            return Received.NOTHING;
        }
        Message message = received.get();
        switch (message.type()) {
            case "ack" -> acknowledge(message);
            case "spawn" -> spawn(message);
            case "stop" -> beginStop();
            case "quit" -> {
                LOG.info("The Locust master said quit: stopping");
                return Received.QUIT;
            }
            case "reconnect" -> {
                LOG.warn("The Locust master asked for a reconnect: resetting the connection (users keep running)");
                acknowledged = false;
                resetLink();
            }
            case "heartbeat" -> masterHeartbeatAt = System.nanoTime();
            case "spawning_complete" -> LOG.debug("The Locust master reports all workers spawned: {}", message.data());
            default -> LOG.warn("Unknown message type from the Locust master: {}", message.type());
        }
        return Received.MESSAGE;
    }

    /** Opens the connection when the retry pause is over; while the master is unreachable, waits a little. */
    private void connectWhenDue() {
        long now = System.nanoTime();
        if (now < nextConnectAttempt) {
            LockSupport.parkNanos(Math.min(nextConnectAttempt - now, TimeUnit.MILLISECONDS.toNanos(50)));
            return;
        }
        try {
            link = MasterLink.open(context, settings.masterHost(), settings.masterPort(), nodeId, ++generation);
            connectRetry = FIRST_CONNECT_RETRY;
            masterHeartbeatAt = 0;
            connectionLost = false;
            sendReady();
        } catch (MasterLink.UnreachableException e) {
            LOG.warn("Cannot reach the Locust master at {}:{}: {}; retrying in {} until stopped",
                    settings.masterHost(), settings.masterPort(), e.getMessage(), Durations.format(connectRetry));
            nextConnectAttempt = now + connectRetry.toNanos();
            connectRetry = connectRetry.multipliedBy(2).compareTo(LONGEST_CONNECT_RETRY) > 0
                    ? LONGEST_CONNECT_RETRY : connectRetry.multipliedBy(2);
        }
    }

    /** Notices the TCP connection going and coming back; a master that is back needs client_ready to know us. */
    private void watchConnection() {
        Optional<MasterLink.LinkEvent> event;
        while ((event = link.nextEvent()).isPresent()) {
            if (event.get() == MasterLink.LinkEvent.DISCONNECTED) {
                connectionLost = true;
                if (acknowledged) {
                    LOG.warn("Lost the Locust master at {}:{}; users keep running; rejoining as soon as it is back",
                            settings.masterHost(), settings.masterPort());
                    acknowledged = false;
                    readyAttempts = 0;
                }
            } else if (connectionLost) {
                connectionLost = false;
                sendReady();
            }
        }
    }

    /** Replaces the connection with a fresh one (then client_ready), or schedules that if the master is unreachable. */
    private void resetLink() {
        link.abandon();
        link = null;
        try {
            // Give the master a moment to see the old connection go before the same identity returns.
            Thread.sleep(RECONNECT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nextConnectAttempt = 0;
        connectWhenDue();
    }

    private void sendReady() {
        readyAttempts++;
        link.send(WorkerMessages.clientReady(nodeId));
        readySentAt = System.nanoTime();
    }

    private void sendStats() {
        if (acknowledged) {
            link.send(WorkerMessages.stats(nodeId, stats.drain(), userClassesCount));
        }
    }

    private void flushOutbox() {
        Message message;
        while ((message = outbox.poll()) != null) {
            link.send(message);
        }
    }

    private void acknowledge(Message message) {
        boolean first = !acknowledged;
        acknowledged = true;
        readyAttempts = 0;
        if (first) {
            Object index = message.data() instanceof Map<?, ?> data ? data.get("index") : null;
            LOG.info("Connected to the Locust master at {}:{} (worker index {})",
                    settings.masterHost(), settings.masterPort(), index);
        }
    }

    /** Stop: no new calls; the stats go at once; calls in flight get the stop timeout before client_stopped. */
    private void beginStop() {
        LOG.info("The Locust master said stop: stopping users");
        if (runner != null) {
            runner.stopAll();
        }
        userClassesCount = Map.of();
        state = "ready";
        sendStats();
        stopping = true;
        stoppingUntil = System.nanoTime() + stopTimeout.toNanos();
    }

    private void finishStop() {
        stopping = false;
        sendStats();
        link.send(WorkerMessages.clientStopped(nodeId));
        sendReady();
    }

    /** Quit or close: no new calls; the stats go at once; then calls in flight get the stop timeout. */
    private void finish(boolean quit) {
        if (runner != null) {
            runner.stopAll();
        }
        userClassesCount = Map.of();
        state = "ready";
        if (link == null) {
            return;
        }
        boolean joined = acknowledged;
        if (joined) {
            link.send(WorkerMessages.stats(nodeId, stats.drain(), userClassesCount));
        }
        if (runner != null && !runner.awaitIdle(stopTimeout)) {
            LOG.info("{} call(s) still in flight after the stop timeout of {}: abandoned",
                    runner.callsInFlight(), Durations.format(stopTimeout));
        }
        if (joined) {
            StatsInterval late = stats.drain();
            if (late.total().numRequests() > 0) {
                link.send(WorkerMessages.stats(nodeId, late, userClassesCount));
            }
            if (!quit) {
                link.send(WorkerMessages.quit(nodeId));
            }
        }
        link.close();
    }

    private void spawn(Message message) {
        link.send(WorkerMessages.spawning(nodeId));
        if (stopping) {
            finishStop();
        }
        if (!(message.data() instanceof Map<?, ?> job)) {
            LOG.warn("Spawn message without data ignored");
            return;
        }
        double timestamp = job.get("timestamp") instanceof Number number ? number.doubleValue() : 0;
        if (timestamp <= lastSpawnTimestamp) {
            LOG.info("Discarded a spawn message older than the previous one");
            return;
        }
        lastSpawnTimestamp = timestamp;
        stopTimeout = job.get("stop_timeout") instanceof Number seconds
                ? Duration.ofMillis(Math.round(seconds.doubleValue() * 1000)) : Duration.ZERO;
        Optional<Target> target = target(job.get("host"));
        if (target.isEmpty()) {
            return;
        }
        int wanted = 0;
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (job.get("user_classes_count") instanceof Map<?, ?> requested) {
            for (Map.Entry<?, ?> entry : requested.entrySet()) {
                String className = String.valueOf(entry.getKey());
                int count = (int) MessageCodec.asLong(entry.getValue(), 0);
                if (className.equals(settings.userClass())) {
                    wanted = count;
                    counts.put(className, count);
                } else {
                    counts.put(className, 0);
                    if (count > 0 && reportedUnknownClasses.add(className)) {
                        String text = "this worker runs only user class " + settings.userClass()
                                + "; ignoring " + count + " users of class " + className;
                        LOG.error(text);
                        link.send(WorkerMessages.exception(nodeId, "spawn: user_classes_count", text));
                    }
                }
            }
        }
        counts.putIfAbsent(settings.userClass(), wanted);
        if (!"spawning".equals(state) && !"running".equals(state)) {
            stats.drain();
        }
        state = "spawning";
        LocalRunner users = runnerFor(target.get());
        users.useProfile(profile(job.get("parsed_options")));
        Map<String, Integer> reached = Map.copyOf(counts);
        users.rampTo(wanted, Double.POSITIVE_INFINITY, () -> {
            userClassesCount = reached;
            outbox.add(WorkerMessages.spawningComplete(nodeId, reached));
            state = "running";
        });
        LOG.info("Running {} users against {}", wanted, target.get());
    }

    private Optional<Target> target(Object host) {
        if (host instanceof String text && !text.isBlank()) {
            try {
                return Optional.of(Target.parse(text));
            } catch (IllegalArgumentException e) {
                String problem = "the master's host is not a gRPC target: " + e.getMessage();
                LOG.error(problem);
                link.send(WorkerMessages.exception(nodeId, "spawn: host", problem));
                return Optional.empty();
            }
        }
        if (settings.defaultTarget().isEmpty()) {
            String problem = "no target: start the master with --host HOST:PORT or the worker with --host HOST:PORT";
            LOG.error(problem);
            link.send(WorkerMessages.exception(nodeId, "spawn: host", problem));
        }
        return settings.defaultTarget();
    }

    /** The worker's profile, with the locustfile's --grpc-* options from the master applied over it. */
    private UserProfile profile(Object parsedOptions) {
        UserProfile profile = settings.profile();
        if (!(parsedOptions instanceof Map<?, ?> options)) {
            return profile;
        }
        try {
            if (options.get("grpc_tasks") instanceof String tasks && !tasks.isBlank()) {
                profile = profile.withTasks(TaskSet.parse(tasks));
            }
            if (options.get("grpc_wait_time") instanceof String wait && !wait.isBlank()) {
                profile = profile.withWaitTime(WaitTime.parse(wait));
            }
            if (options.get("grpc_deadline") instanceof String deadline && !deadline.isBlank()) {
                profile = profile.withDeadline(Durations.parse(deadline));
            }
            return profile;
        } catch (IllegalArgumentException e) {
            String problem = "bad --grpc-* option from the master, using the worker's own: " + e.getMessage();
            LOG.error(problem);
            link.send(WorkerMessages.exception(nodeId, "spawn: parsed_options", problem));
            return settings.profile();
        }
    }

    private LocalRunner runnerFor(Target target) {
        if (runner != null && target.equals(runnerTarget)) {
            return runner;
        }
        closeRunner();
        Connections connections = new Connections(target, settings.transport(), settings.channels());
        try {
            // Bounded well below the master's heartbeat liveness (3 missed heartbeats).
            connections.awaitShared(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner = new LocalRunner(connections, settings.profile(), stats);
        runnerTarget = target;
        return runner;
    }

    private void closeRunner() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    /**
     * This process's share of the machine's CPU in percent. Locust warns above 90: for a Python
     * worker that is one core; for this multi-threaded worker, the whole machine.
     */
    private static double cpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : load * 100;
        }
        return 0;
    }

    /** Resident memory as Locust reports it (bytes), from /proc where there is one, else the Java heap in use. */
    private static long memoryBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            Runtime runtime = Runtime.getRuntime();
            return runtime.totalMemory() - runtime.freeMemory();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "loadtest";
        }
    }
}
