package dev.todokube.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.stats.StatsInterval;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every message the worker sends, encoded, decoded back and checked against what Locust's master reads. */
class MessageCodecTest {

    private static final String NODE = "host_0123456789abcdef";
    /** StatsEntryDict's keys in Locust's stats.py (plus name and method). */
    private static final List<String> ENTRY_KEYS = List.of("name", "method", "last_request_timestamp", "start_time",
            "num_requests", "num_none_requests", "num_failures", "total_response_time", "max_response_time",
            "min_response_time", "total_content_length", "response_times", "num_reqs_per_sec", "num_fail_per_sec");

    private static Message roundTrip(Message message) {
        Message decoded = MessageCodec.decode(MessageCodec.encode(message));
        assertThat(decoded.type()).isEqualTo(message.type());
        assertThat(decoded.nodeId()).isEqualTo(NODE);
        return decoded;
    }

    @Test
    void clientReadyCarriesMinusOneForAnyVersion() {
        Message ready = roundTrip(WorkerMessages.clientReady(NODE));
        // An integer, as Locust's masters compare it (msg.data != -1); a string "-1" would not match.
        assertThat(ready.data()).isEqualTo(-1L);
    }

    @Test
    void heartbeatCarriesStateCpuAndMemory() {
        Map<Object, Object> data = map(roundTrip(WorkerMessages.heartbeat(NODE, "running", 12.5, 1_000_000)).data());
        assertThat(data).containsOnlyKeys("state", "current_cpu_usage", "current_memory_usage");
        assertThat(data.get("state")).isEqualTo("running");
        assertThat(data.get("current_cpu_usage")).isEqualTo(12.5);
        assertThat(data.get("current_memory_usage")).isEqualTo(1_000_000L);
    }

    @Test
    void spawningAndSpawningCompleteCarryTheUserClassCounts() {
        assertThat(roundTrip(WorkerMessages.spawning(NODE)).data()).isNull();
        Map<Object, Object> data = map(roundTrip(WorkerMessages.spawningComplete(NODE, Map.of("TodosGrpcUser", 3))).data());
        assertThat(data).containsOnlyKeys("user_classes_count", "user_count");
        assertThat(data.get("user_classes_count")).isEqualTo(Map.of("TodosGrpcUser", 3L));
        assertThat(data.get("user_count")).isEqualTo(3L);
    }

    @Test
    void statsCarryLocustEntriesTotalErrorsAndUserCounts() {
        Map<Object, Object> data = map(roundTrip(WorkerMessages.stats(NODE, sampleInterval(), Map.of("TodosGrpcUser", 2))).data());
        assertThat(data).containsOnlyKeys("stats", "stats_total", "errors", "user_classes_count", "user_count");
        List<?> entries = (List<?>) data.get("stats");
        assertThat(entries).hasSize(1);
        Map<Object, Object> entry = map(entries.get(0));
        assertThat(entry.keySet()).containsExactlyInAnyOrderElementsOf(ENTRY_KEYS);
        assertThat(entry.get("name")).isEqualTo("GetTodos");
        assertThat(entry.get("method")).isEqualTo("grpc");
        assertThat(entry.get("num_requests")).isEqualTo(3L);
        assertThat(entry.get("num_failures")).isEqualTo(1L);
        assertThat(entry.get("num_none_requests")).isEqualTo(0L);
        assertThat(entry.get("total_response_time")).isInstanceOf(Double.class);
        assertThat(entry.get("min_response_time")).isEqualTo(5.0);
        assertThat(entry.get("max_response_time")).isEqualTo(147.0);
        assertThat(entry.get("start_time")).isInstanceOf(Double.class);
        assertThat(entry.get("last_request_timestamp")).isInstanceOf(Double.class);
        assertThat(entry.get("response_times")).isEqualTo(Map.of(5L, 1L, 150L, 1L, 60L, 1L));
        assertThat(map(entry.get("num_reqs_per_sec"))).allSatisfy((second, count) -> {
            assertThat(second).isInstanceOf(Long.class);
            assertThat(count).isInstanceOf(Long.class);
        });
        Map<Object, Object> total = map(data.get("stats_total"));
        assertThat(total.keySet()).containsExactlyInAnyOrderElementsOf(ENTRY_KEYS);
        assertThat(total.get("name")).isEqualTo("Aggregated");
        assertThat(total.get("method")).isNull();
        Map<Object, Object> errors = map(data.get("errors"));
        assertThat(errors).hasSize(1);
        Map<Object, Object> error = map(errors.values().iterator().next());
        assertThat(error).containsOnlyKeys("name", "method", "error", "occurrences");
        assertThat(error.get("error")).isEqualTo("UNAVAILABLE");
        assertThat(error.get("occurrences")).isEqualTo(1L);
        assertThat(data.get("user_count")).isEqualTo(2L);
    }

    @Test
    void statsOfAnIdleIntervalSendNoneWhereLocustHasNone() {
        Map<Object, Object> data = map(roundTrip(WorkerMessages.stats(NODE,
                new RequestStats(Clock.systemUTC()).drain(), Map.of())).data());
        Map<Object, Object> total = map(data.get("stats_total"));
        assertThat(total.get("min_response_time")).isNull();
        assertThat(total.get("last_request_timestamp")).isNull();
        assertThat(total.get("num_requests")).isEqualTo(0L);
    }

    @Test
    void exceptionClientStoppedAndQuit() {
        Map<Object, Object> exception = map(roundTrip(WorkerMessages.exception(NODE, "spawn: host", "boom")).data());
        assertThat(exception).containsOnlyKeys("msg", "traceback");
        assertThat(exception.get("msg")).isEqualTo("boom");
        assertThat((String) exception.get("traceback")).contains("spawn: host", "boom");
        assertThat(roundTrip(WorkerMessages.clientStopped(NODE)).data()).isNull();
        assertThat(roundTrip(WorkerMessages.quit(NODE)).data()).isNull();
    }

    @Test
    void garbageIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[] {(byte) 0xc1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
        assertThatThrownBy(() -> MessageCodec.decode(new byte[] {(byte) 0x92, 0x01, 0x02}))
                .hasMessageContaining("not a Locust message");
    }

    /**
     * The strongest check: Locust's own Python code (Debian's python3-locust) unserializes the
     * bytes, merges the entry into a master-side StatsEntry and computes the percentiles.
     */
    @Test
    @Timeout(60)
    void locustsOwnCodeReadsOurStatsMessage(@TempDir Path dir) throws Exception {
        Path bytes = dir.resolve("stats.msgpack");
        Files.write(bytes, MessageCodec.encode(WorkerMessages.stats(NODE, sampleInterval(), Map.of("TodosGrpcUser", 2))));
        Path script = dir.resolve("check.py");
        Files.writeString(script, String.join("\n",
                "import sys",
                "from locust.rpc.protocol import Message",
                "from locust.stats import RequestStats, setup_distributed_stats_event_listeners",
                "from locust.event import Events",
                "msg = Message.unserialize(open(sys.argv[1], 'rb').read())",
                "events = Events()",
                "stats = RequestStats()",
                "setup_distributed_stats_event_listeners(events, stats)",
                "events.worker_report.fire(client_id=msg.node_id, data=msg.data)",
                "e = stats.get('GetTodos', 'grpc')",
                "print(msg.type, msg.node_id, e.num_requests, e.num_failures, e.get_response_time_percentile(0.5),",
                "      e.get_response_time_percentile(1.0), stats.total.num_requests, len(stats.errors),",
                "      list(stats.errors.values())[0].error, round(e.avg_response_time, 3))",
                ""));
        Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), bytes.toString())
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(50, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output.lines().reduce((a, b) -> b).orElse(""))
                .isEqualTo("stats " + NODE + " 3 1 60 150 3 1 UNAVAILABLE 70.667");
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object decoded) {
        return (Map<Object, Object>) decoded;
    }

    private static StatsInterval sampleInterval() {
        RequestStats stats = new RequestStats(Clock.systemUTC());
        stats.success("GetTodos", 5_000_000, 10);
        stats.success("GetTodos", 147_000_000, 10);
        stats.failure("GetTodos", 60_000_000, "UNAVAILABLE");
        return stats.drain();
    }
}
