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
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The worker's state machine against a scripted master speaking Locust's protocol. */
class LocustWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Set<String> PERIODIC = Set.of("heartbeat", "stats");

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
        return new WorkerSettings("127.0.0.1", port, Optional.empty(), Transport.plaintext(), new ChannelMode.Shared(1),
                UserProfile.defaults().withDeadline(Duration.ofSeconds(20)), WorkerSettings.DEFAULT_USER_CLASS,
                Duration.ofMillis(300), Duration.ofMillis(500), readyRetry);
    }

    private static Map<String, Object> spawn(String host, Map<String, Integer> users, double timestamp) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("timestamp", timestamp);
        data.put("user_classes_count", users);
        data.put("host", host);
        data.put("stop_timeout", null);
        data.put("parsed_options", Map.of("grpc_wait_time", "constant:20ms", "headless", true));
        return data;
    }

    @Test
    @Timeout(60)
    void readySpawnStatsStopAndQuitAsLocustExpects() throws Exception {
        try (TodosTestServer server = TodosTestServer.start(); ScriptedMaster master = ScriptedMaster.bind()) {
            LocustWorker worker = new LocustWorker(settings(master.port(), Duration.ofSeconds(5)), Clock.systemUTC());
            try {
                worker.start();
                Message ready = master.expect("client_ready", Set.of(), WAIT);
                assertThat(ready.data()).isInstanceOf(String.class).asString().isNotBlank();
                assertThat(ready.nodeId()).isEqualTo(worker.nodeId());
                master.send(worker.nodeId(), "ack", Map.of("index", 0));

                Map<?, ?> heartbeat = (Map<?, ?>) master.expect("heartbeat", Set.of(), WAIT).data();
                assertThat(List.<Object>copyOf(heartbeat.keySet())).containsExactlyInAnyOrder("state", "current_cpu_usage", "current_memory_usage");
                assertThat(heartbeat.get("state")).isEqualTo("ready");

                master.send(worker.nodeId(), "spawn", spawn(server.address(), Map.of("TodosGrpcUser", 2, "PythonOnlyUser", 1), 1.0));
                master.expect("spawning", PERIODIC, WAIT);
                Map<?, ?> problem = (Map<?, ?>) master.expect("exception", PERIODIC, WAIT).data();
                assertThat((String) problem.get("msg")).contains("PythonOnlyUser", "TodosGrpcUser");
                Map<?, ?> complete = (Map<?, ?>) master.expect("spawning_complete", PERIODIC, WAIT).data();
                assertThat(complete.get("user_classes_count")).isEqualTo(Map.of("TodosGrpcUser", 2L, "PythonOnlyUser", 0L));
                assertThat(complete.get("user_count")).isEqualTo(2L);

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
                master.send(worker.nodeId(), "quit", null);
                assertThat(worker.awaitTermination(WAIT)).isTrue();

                long allReported = master.received().stream().filter(m -> m.type().equals("stats"))
                        .mapToLong(LocustWorkerTest::requestsIn).sum();
                assertThat(allReported).as("every call reaches the master once").isEqualTo(server.calls("GetTodos")).isPositive();
                assertThat(master.received()).filteredOn(m -> m.type().equals("stats"))
                        .allSatisfy(m -> assertThat(((Map<?, ?>) m.data()).containsKey("user_classes_count")).isTrue());
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
            master.expect("heartbeat", Set.of(), WAIT);
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
