package dev.todokube.loadtest.locust;

import dev.todokube.loadtest.Durations;
import dev.todokube.loadtest.runner.Connections;
import dev.todokube.loadtest.runner.LocalRunner;
import dev.todokube.loadtest.runner.Target;
import dev.todokube.loadtest.stats.RequestStats;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * A Locust 2.x worker: joins a stock Locust master over ZeroMQ and runs the users it is told to
 * run, in this JVM, reporting stats as a Python worker does.
 *
 * <p>States as Locust's: {@code ready} after the master's ack, {@code spawning}, {@code running};
 * {@code stop} brings it back to {@code ready} (client_stopped, then client_ready again);
 * {@code quit} ends it. While no master answers, client_ready is re-sent forever with a log line
 * each time; if an acknowledged master goes away, the users stop and the worker rejoins the
 * master when it is back (a restarted master needs client_ready to know the worker again).
 *
 * <p>One I/O thread owns the ZeroMQ socket (sockets are single-threaded); other threads hand it
 * messages through a queue.
 */
public final class LocustWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocustWorker.class);
    /** Unanswered client_ready messages after which the connection is replaced. */
    private static final int RESET_AFTER_ATTEMPTS = 3;
    private static final long RECONNECT_PAUSE_MILLIS = 500;

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
    private volatile int readyAttempts;
    private volatile Map<String, Integer> userClassesCount = Map.of();
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

    /** Waits until the master said quit or {@link #close} finished; true if so within the timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the users, sends the last stats and quit to the master, and ends the worker (waits up to 10 s). */
    @Override
    public void close() {
        closeRequested = true;
        if (ioThread.isAlive()) {
            try {
                ioThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ioLoop() {
        int generation = 0;
        try (ZContext context = new ZContext()) {
            MasterLink link = new MasterLink(context, settings.masterHost(), settings.masterPort(), nodeId, generation);
            LOG.info("Joining Locust master at {}:{} as worker {}", settings.masterHost(), settings.masterPort(), nodeId);
            long readySentAt = sendReady(link);
            long nextHeartbeat = System.nanoTime();
            long nextStats = System.nanoTime() + settings.statsInterval().toNanos();
            boolean quit = false;
            boolean lostConnection = false;
            while (!quit && !closeRequested) {
                flushOutbox(link);
                Optional<MasterLink.LinkEvent> event;
                while ((event = link.nextEvent()).isPresent()) {
                    if (event.get() == MasterLink.LinkEvent.DISCONNECTED) {
                        lostConnection = true;
                        if (acknowledged) {
                            LOG.warn("Lost the Locust master at {}:{}; users stopped; rejoining as soon as it is back",
                                    settings.masterHost(), settings.masterPort());
                            stopUsers();
                            acknowledged = false;
                            readyAttempts = 0;
                        }
                    } else if (lostConnection) {
                        // A master that comes back (restarted) knows nothing of this worker until client_ready.
                        lostConnection = false;
                        readySentAt = sendReady(link);
                    }
                }
                long now = System.nanoTime();
                if (!acknowledged && now - readySentAt > settings.readyRetry().toNanos()) {
                    LOG.warn("No answer from the Locust master at {}:{} after {} attempt(s); retrying every {}",
                            settings.masterHost(), settings.masterPort(), readyAttempts,
                            Durations.format(settings.readyRetry()));
                    if (readyAttempts % RESET_AFTER_ATTEMPTS == 0) {
                        // A connection the master dropped without closing it (e.g. it still held our
                        // identity when we reconnected) never recovers by itself: start a fresh one.
                        link = resetLink(context, link, ++generation);
                    }
                    readySentAt = sendReady(link);
                }
                if (acknowledged && now >= nextHeartbeat) {
                    link.send(WorkerMessages.heartbeat(nodeId, state, cpuPercent(), memoryBytes()));
                    nextHeartbeat = now + settings.heartbeatInterval().toNanos();
                }
                if (now >= nextStats) {
                    if (acknowledged) {
                        link.send(WorkerMessages.stats(nodeId, stats.drain(), userClassesCount));
                    }
                    nextStats = now + settings.statsInterval().toNanos();
                }
                Optional<Message> received;
                try {
                    received = link.receive();
                } catch (IllegalArgumentException e) {
                    LOG.warn("Ignored a message from the master: {}", e.getMessage());
                    continue;
                }
                if (received.isEmpty()) {
                    continue;
                }
                Message message = received.get();
                switch (message.type()) {
                    case "ack" -> acknowledge(message);
                    case "spawn" -> spawn(link, message);
                    case "stop" -> stop(link);
                    case "quit" -> {
                        LOG.info("The Locust master said quit: stopping");
                        quit = true;
                    }
                    case "reconnect" -> {
                        LOG.warn("The Locust master asked for a reconnect: resetting the connection");
                        stopUsers();
                        acknowledged = false;
                        link = resetLink(context, link, ++generation);
                        readySentAt = sendReady(link);
                    }
                    case "heartbeat" -> LOG.trace("heartbeat from master");
                    default -> LOG.warn("Unknown message type from the Locust master: {}", message.type());
                }
            }
            stopUsers();
            if (acknowledged) {
                link.send(WorkerMessages.stats(nodeId, stats.drain(), userClassesCount));
                if (!quit) {
                    link.send(WorkerMessages.quit(nodeId));
                }
            }
            link.close();
        } catch (RuntimeException e) {
            LOG.error("Locust worker failed: {}", e.toString(), e);
        } finally {
            closeRunner();
            terminated.countDown();
        }
    }

    private MasterLink resetLink(ZContext context, MasterLink old, int generation) {
        old.abandon();
        try {
            // Give the master a moment to see the old connection go before the same identity returns.
            Thread.sleep(RECONNECT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new MasterLink(context, settings.masterHost(), settings.masterPort(), nodeId, generation);
    }

    private long sendReady(MasterLink link) {
        readyAttempts++;
        link.send(WorkerMessages.clientReady(nodeId));
        return System.nanoTime();
    }

    private void flushOutbox(MasterLink link) {
        Message message;
        while ((message = outbox.poll()) != null) {
            link.send(message);
        }
    }

    private void acknowledge(Message message) {
        boolean first = !acknowledged;
        acknowledged = true;
        readyAttempts = 0;
        state = "ready";
        if (first) {
            Object index = message.data() instanceof Map<?, ?> data ? data.get("index") : null;
            LOG.info("Connected to the Locust master at {}:{} (worker index {})",
                    settings.masterHost(), settings.masterPort(), index);
        }
    }

    private void spawn(MasterLink link, Message message) {
        link.send(WorkerMessages.spawning(nodeId));
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
        Optional<Target> target = target(link, job.get("host"));
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
                        link.send(WorkerMessages.exception(nodeId, text, ""));
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
        users.useProfile(profile(link, job.get("parsed_options")));
        Map<String, Integer> reached = Map.copyOf(counts);
        users.rampTo(wanted, Double.POSITIVE_INFINITY, () -> {
            userClassesCount = reached;
            outbox.add(WorkerMessages.spawningComplete(nodeId, reached));
            state = "running";
        });
        LOG.info("Running {} users against {}", wanted, target.get());
    }

    private void stop(MasterLink link) {
        LOG.info("The Locust master said stop: stopping users");
        stopUsers();
        link.send(WorkerMessages.stats(nodeId, stats.drain(), userClassesCount));
        link.send(WorkerMessages.clientStopped(nodeId));
        link.send(WorkerMessages.clientReady(nodeId));
        state = "ready";
    }

    private void stopUsers() {
        if (runner != null) {
            runner.stopAll();
            runner.awaitIdle(Duration.ofSeconds(1));
        }
        userClassesCount = Map.of();
        state = "ready";
    }

    private Optional<Target> target(MasterLink link, Object host) {
        if (host instanceof String text && !text.isBlank()) {
            try {
                return Optional.of(Target.parse(text));
            } catch (IllegalArgumentException e) {
                String problem = "the master's host is not a gRPC target: " + e.getMessage();
                LOG.error(problem);
                link.send(WorkerMessages.exception(nodeId, problem, ""));
                return Optional.empty();
            }
        }
        if (settings.defaultTarget().isEmpty()) {
            String problem = "no target: start the master with --host HOST:PORT or the worker with --host HOST:PORT";
            LOG.error(problem);
            link.send(WorkerMessages.exception(nodeId, problem, ""));
        }
        return settings.defaultTarget();
    }

    /** The worker's profile, with the locustfile's --grpc-* options from the master applied over it. */
    private UserProfile profile(MasterLink link, Object parsedOptions) {
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
            link.send(WorkerMessages.exception(nodeId, problem, ""));
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
