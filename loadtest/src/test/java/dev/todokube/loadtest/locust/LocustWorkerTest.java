package dev.todokube.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.todokube.loadtest.fixtures.ScriptedMaster;
import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.loadtest.runner.ChannelMode;
import dev.todokube.loadtest.runner.Transport;
import dev.todokube.loadtest.user.UserProfile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The worker's state machine against a scripted master speaking Locust's protocol. */
class LocustWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Set<String> PERIODIC = Set.of("heartbeat", "stats");
    /**
     * Before the worker has read the master's ack it may send client_ready again (every retry
     * interval, as Locust's worker; the master acks duplicates): JeroMQ 0.6.0 occasionally holds a
     * new connection's first incoming messages until its handshake limit (seen about once in 80
     * connections with the other core busy).
     */
    private static final Set<String> UNTIL_ACKED = Set.of("heartbeat", "stats", "spawning", "client_ready");

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger workerLogger = (Logger) LoggerFactory.getLogger(LocustWorker.class);

    @BeforeEach
    void captureLog() {
        log.start();
        workerLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        workerLogger.detachAppender(log);
    }

    private static WorkerSettings settings(int port, Duration readyRetry) {
        return settings("127.0.0.1", port, readyRetry, ScriptedMaster.HEARTBEAT_DEAD_AFTER);
    }

    private static WorkerSettings settings(String host, int port, Duration readyRetry, Duration masterHeartbeatTimeout) {
        return new WorkerSettings(host, port, Optional.empty(), Transport.plaintext(), new ChannelMode.Shared(1),
                UserProfile.defaults().withDeadline(Duration.ofSeconds(20)), WorkerSettings.DEFAULT_USER_CLASS,
                Duration.ofMillis(300), Duration.ofMillis(500), readyRetry, masterHeartbeatTimeout);
    }

    /** A spawn message as Locust's master sends it; a stop timeout long enough for the last calls to finish. */
    private static Map<String, Object> spawn(String host, Map<String, Integer> users, double timestamp,
                                             Map<String, Object> parsedOptions) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("timestamp", timestamp);
        data.put("user_classes_count", users);
        data.put("host", host);
        data.put("stop_timeout", 10.0);
        data.put("parsed_options", parsedOptions);
        return data;
    }

    private static Map<String, Object> spawn(String host, Map<String, Integer> users, double timestamp) {
        return spawn(host, users, timestamp, Map.of("grpc_wait_time", "constant:20ms", "headless", true));
    }

    @Test
    @Timeout(60)
    void readySpawnStatsStopAndQuitAsLocustExpects() throws Exception {
        try (TodosTestServer server = TodosTestServer.start(); ScriptedMaster master = ScriptedMaster.bind()) {
            LocustWorker worker = new LocustWorker(settings(master.port(), Duration.ofSeconds(5)), Clock.systemUTC());
            try {
                worker.start();
                Message ready = master.expect("client_ready", Set.of(), WAIT);
                assertThat(ready.data()).as("any version, as Locust's masters understand it").isEqualTo(-1L);
                assertThat(ready.nodeId()).isEqualTo(worker.nodeId());
                master.send(worker.nodeId(), "ack", Map.of("index", 0));

                Map<?, ?> heartbeat = (Map<?, ?>) master.expect("heartbeat", Set.of("client_ready"), WAIT).data();
                assertThat(List.<Object>copyOf(heartbeat.keySet())).containsExactlyInAnyOrder("state", "current_cpu_usage", "current_memory_usage");
                assertThat(heartbeat.get("state")).isEqualTo("ready");

                master.send(worker.nodeId(), "spawn", spawn(server.address(), Map.of("TodosGrpcUser", 2, "PythonOnlyUser", 1), 1.0,
                        Map.of("grpc_wait_time", "constant:20ms", "grpc_deadline", "soon", "headless", true)));
                master.expect("spawning", PERIODIC, WAIT);
                Map<?, ?> unknownClass = (Map<?, ?>) master.expect("exception", PERIODIC, WAIT).data();
                assertThat((String) unknownClass.get("msg")).contains("PythonOnlyUser", "TodosGrpcUser");
                Map<?, ?> badOption = (Map<?, ?>) master.expect("exception", PERIODIC, WAIT).data();
                assertThat((String) badOption.get("msg")).contains("grpc", "soon");
                // Locust files exceptions under their traceback: different problems need different ones.
                assertThat((String) badOption.get("traceback")).isNotBlank().isNotEqualTo(unknownClass.get("traceback"));
                Map<?, ?> complete = (Map<?, ?>) master.expect("spawning_complete", PERIODIC, WAIT).data();
                assertThat(complete.get("user_classes_count")).isEqualTo(Map.of("TodosGrpcUser", 2L, "PythonOnlyUser", 0L));
                assertThat(complete.get("user_count")).isEqualTo(2L);
                // The newest masters tell every worker once all of them have spawned.
                master.send(worker.nodeId(), "spawning_complete", Map.of("user_count", 2));

                Map<?, ?> running;
                do {
                    running = (Map<?, ?>) master.expect("heartbeat", Set.of("stats"), WAIT).data();
                } while (!"running".equals(running.get("state")));
                long reported = 0;
                while (reported == 0) {
                    reported += requestsIn(master.expect("stats", Set.of("heartbeat"), WAIT));
                }

                master.send(worker.nodeId(), "stop", null);
                master.expect("client_stopped", PERIODIC, WAIT);
                master.expect("client_ready", PERIODIC, WAIT);
                int statsWhenStopped = statsCount(master);
                while (statsCount(master) < statsWhenStopped + 2) {
                    master.expect("stats", Set.of("heartbeat"), WAIT);
                }
                master.send(worker.nodeId(), "quit", null);
                assertThat(worker.awaitTermination(WAIT)).isTrue();
                assertThat(worker.outcome()).contains(new WorkerOutcome.Quit());

                long allReported = master.received().stream().filter(m -> m.type().equals("stats"))
                        .mapToLong(LocustWorkerTest::requestsIn).sum();
                assertThat(allReported).as("every call reaches the master once").isEqualTo(server.calls("GetTodos")).isPositive();
                assertThat(master.received()).filteredOn(m -> m.type().equals("stats"))
                        .allSatisfy(m -> assertThat(((Map<?, ?>) m.data()).containsKey("user_classes_count")).isTrue());
                // As Locust's workers: a name with no calls in the interval is left out (here: every
                // interval after the stop), not sent as an entry of zeros.
                assertThat(master.received()).filteredOn(m -> m.type().equals("stats"))
                        .flatMap(m -> (List<?>) ((Map<?, ?>) m.data()).get("stats"))
                        .isNotEmpty()
                        .allSatisfy(entry -> assertThat((Long) ((Map<?, ?>) entry).get("num_requests")).isPositive());
                assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(l -> l.contains("Unknown message"));
            } finally {
                worker.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void rejoinsARestartedMasterAndAnswersReconnect() throws Exception {
        int port;
        LocustWorker worker;
        try (ScriptedMaster master = ScriptedMaster.bind()) {
            port = master.port();
            worker = new LocustWorker(settings(port, Duration.ofSeconds(1)), Clock.systemUTC());
            worker.start();
            master.expect("client_ready", Set.of(), WAIT);
            master.send(worker.nodeId(), "ack", Map.of("index", 0));
            master.expect("heartbeat", Set.of("client_ready"), WAIT);
            master.send(worker.nodeId(), "reconnect", null);
            master.expect("client_ready", PERIODIC, WAIT);
            master.send(worker.nodeId(), "ack", Map.of("index", 0));
            master.expect("heartbeat", Set.of("client_ready"), WAIT);
        }
        try {
            awaitLog("Lost the Locust master at 127.0.0.1:" + port);
            try (ScriptedMaster restarted = ScriptedMaster.bind(port)) {
                // Stats or a heartbeat the worker queued before it saw the master go may arrive
                // first; Locust's master discards reports from workers it does not know.
                restarted.expect("client_ready", PERIODIC, WAIT);
                restarted.send(worker.nodeId(), "ack", Map.of("index", 0));
                restarted.expect("heartbeat", Set.of("client_ready"), WAIT);
                assertThat(worker.connected()).isTrue();
                worker.close();
                restarted.expect("quit", Set.of("heartbeat", "stats", "client_ready"), WAIT);
            }
        } finally {
            worker.close();
        }
        assertThat(worker.awaitTermination(WAIT)).isTrue();
    }

    @Test
    @Timeout(60)
    void unreachableMasterIsRetriedWithAClearLogLineUntilStopped() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        LocustWorker worker = new LocustWorker(settings(port, Duration.ofMillis(200)), Clock.systemUTC());
        try {
            worker.start();
            awaitLog("No answer from the Locust master at 127.0.0.1:" + port + " after 3 attempt(s); retrying every 200ms");
            assertThat(worker.connected()).isFalse();
        } finally {
            worker.close();
        }
        assertThat(worker.awaitTermination(WAIT)).as("stops cleanly when asked").isTrue();
    }

    /**
     * On stop, calls in flight get the spawn message's stop_timeout and are reported before
     * client_stopped (the master counts a worker's users as gone at client_stopped).
     */
    @Test
    @Timeout(60)
    void stopGivesCallsInFlightTheStopTimeoutBeforeClientStopped() throws Exception {
        try (TodosTestServer server = TodosTestServer.start().delay(1500); ScriptedMaster master = ScriptedMaster.bind()) {
            LocustWorker worker = new LocustWorker(settings(master.port(), Duration.ofSeconds(5)), Clock.systemUTC());
            try {
                worker.start();
                master.expect("client_ready", Set.of(), WAIT);
                master.send(worker.nodeId(), "ack", Map.of("index", 0));
                master.send(worker.nodeId(), "spawn", spawn(server.address(), Map.of("TodosGrpcUser", 2), 1.0));
                master.expect("spawning_complete", UNTIL_ACKED, WAIT);
                while (server.calls("GetTodos") < 4) {
                    master.listen(Duration.ofMillis(100));
                }
                master.send(worker.nodeId(), "stop", null);
                master.expect("client_stopped", PERIODIC, WAIT);
                long reportedBeforeClientStopped = master.received().stream().filter(m -> m.type().equals("stats"))
                        .mapToLong(LocustWorkerTest::requestsIn).sum();
                assertThat(reportedBeforeClientStopped).as("calls reported before client_stopped")
                        .isEqualTo(server.calls("GetTodos"));
            } finally {
                worker.close();
            }
        }
    }

    /**
     * Locust's worker keeps its users running while it reconnects, and the newest masters drop a
     * worker whose heartbeats stay away for 60 s; from then on they ignore it. The worker notices
     * that the master no longer answers its heartbeats and rejoins with client_ready.
     */
    @Test
    @Timeout(60)
    void keepsUsersRunningThroughAReconnectAndRejoinsAMasterThatDroppedIt() throws Exception {
        try (TodosTestServer server = TodosTestServer.start(); ScriptedMaster master = ScriptedMaster.bind()) {
            LocustWorker worker = new LocustWorker(settings("127.0.0.1", master.port(), Duration.ofSeconds(5),
                    Duration.ofSeconds(2)), Clock.systemUTC());
            try {
                worker.start();
                master.expect("client_ready", Set.of(), WAIT);
                master.send(worker.nodeId(), "ack", Map.of("index", 0));
                master.send(worker.nodeId(), "spawn", spawn(server.address(), Map.of("TodosGrpcUser", 2), 1.0));
                master.expect("spawning_complete", UNTIL_ACKED, WAIT);

                master.send(worker.nodeId(), "reconnect", null);
                master.expect("client_ready", PERIODIC, WAIT);
                awaitMoreCalls(server, master, 20);
                master.send(worker.nodeId(), "ack", Map.of("index", 0));
                master.expect("heartbeat", UNTIL_ACKED, WAIT);

                master.drop(worker.nodeId());
                master.expect("client_ready", PERIODIC, WAIT);
                awaitLog("No heartbeat from the Locust master at 127.0.0.1:" + master.port() + " for 2s");
                awaitMoreCalls(server, master, 20);
                master.send(worker.nodeId(), "ack", Map.of("index", 0));
                Map<?, ?> report;
                do {
                    report = (Map<?, ?>) master.expect("stats", UNTIL_ACKED, WAIT).data();
                } while ((Long) report.get("user_count") == 0);
                assertThat(report.get("user_count")).as("users still counted after rejoining").isEqualTo(2L);
                assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(l -> l.contains("users stopped"));
            } finally {
                worker.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void unresolvableMasterIsRetriedWithGrowingPausesUntilStopped() throws Exception {
        LocustWorker worker = new LocustWorker(settings("no-such-master.invalid", 5557, Duration.ofSeconds(5),
                Duration.ofSeconds(60)), Clock.systemUTC());
        try {
            worker.start();
            awaitLog("Cannot reach the Locust master at no-such-master.invalid:5557: cannot resolve no-such-master.invalid");
            awaitLog("retrying in 500ms until stopped");
            awaitLog("retrying in 1s until stopped");
            assertThat(worker.outcome()).as("still running").isEmpty();
        } finally {
            worker.close();
        }
        assertThat(worker.awaitTermination(WAIT)).isTrue();
        assertThat(worker.outcome()).contains(new WorkerOutcome.Closed());
    }

    /** Anything that breaks the worker ends it as failed (the command then exits 1), never as a normal end. */
    @Test
    @Timeout(60)
    void aWorkerThatBreaksEndsAsFailed() throws Exception {
        FailingClock clock = new FailingClock();
        try (ScriptedMaster master = ScriptedMaster.bind()) {
            LocustWorker worker = new LocustWorker(settings(master.port(), Duration.ofSeconds(5)), clock);
            try {
                worker.start();
                master.expect("client_ready", Set.of(), WAIT);
                master.send(worker.nodeId(), "ack", Map.of("index", 0));
                master.expect("stats", UNTIL_ACKED, WAIT);
                clock.failing = true;
                assertThat(worker.awaitTermination(WAIT)).isTrue();
                assertThat(worker.outcome()).get().isInstanceOf(WorkerOutcome.Failed.class);
                assertThat(((WorkerOutcome.Failed) worker.outcome().orElseThrow()).reason()).contains("clock broken by the test");
            } finally {
                worker.close();
            }
        }
    }

    /** As Locust's client: TCP keepalive probes after 30 s idle, and IPv6 when the master's address is one. */
    @Test
    @Timeout(60)
    void connectsOverIpv6WithKeepaliveAfterThirtySecondsIdle() throws Exception {
        try (ScriptedMaster master = ScriptedMaster.bindIpv6()) {
            LocustWorker worker = new LocustWorker(settings("::1", master.port(), Duration.ofSeconds(5),
                    Duration.ofSeconds(60)), Clock.systemUTC());
            try {
                worker.start();
                master.expect("client_ready", Set.of(), WAIT);
                // While data is unacknowledged ss shows the retransmission timer; poll until the
                // connection is idle and shows its keepalive timer.
                Pattern keepalive = Pattern.compile("timer:\\(keepalive,([^,]+),");
                long deadline = System.nanoTime() + WAIT.toNanos();
                Matcher timer;
                String sockets;
                boolean found;
                do {
                    Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established", "dst", "[::1]:" + master.port())
                            .redirectErrorStream(true).start();
                    sockets = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(ss.waitFor()).isZero();
                    timer = keepalive.matcher(sockets);
                    found = timer.find();
                    if (!found) {
                        master.listen(Duration.ofMillis(100));
                    }
                } while (!found && System.nanoTime() < deadline);
                assertThat(found).as("a keepalive timer on the worker's connection: %s", sockets).isTrue();
                assertThat(timer.group(1)).as("keepalive timer").endsWith("sec");
                assertThat(Integer.parseInt(timer.group(1).replace("sec", ""))).isBetween(1, 30);
            } finally {
                worker.close();
            }
        }
    }

    private static final class FailingClock extends Clock {
        volatile boolean failing;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            if (failing) {
                throw new IllegalStateException("clock broken by the test");
            }
            return Instant.now();
        }
    }

    /** Waits until the server has served {@code more} further calls, while the master keeps answering heartbeats. */
    private static void awaitMoreCalls(TodosTestServer server, ScriptedMaster master, long more) {
        long target = server.calls("GetTodos") + more;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.calls("GetTodos") < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the users stopped: " + server.calls("GetTodos") + " calls, waited for " + target);
            }
            master.listen(Duration.ofMillis(100));
        }
    }

    private static int statsCount(ScriptedMaster master) {
        return (int) master.received().stream().filter(m -> m.type().equals("stats")).count();
    }

    private void awaitLog(String line) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            // The worker's threads append while holding the appender's monitor; read under it too.
            synchronized (log) {
                lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
            if (lines.stream().anyMatch(l -> l.contains(line))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line '" + line + "' in " + lines);
    }

    private static long requestsIn(Message stats) {
        Map<?, ?> total = (Map<?, ?>) ((Map<?, ?>) stats.data()).get("stats_total");
        return (Long) total.get("num_requests");
    }
}
