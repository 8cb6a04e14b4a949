package dev.todokube.loadtest.locust;

import dev.todokube.loadtest.stats.EntrySnapshot;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.StatsInterval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages a worker sends to a Locust 2.x master, with the field names and types the master's
 * {@code runners.py} and {@code stats.py} read.
 */
public final class WorkerMessages {

    /**
     * Sent in {@code client_ready} instead of a version string: every Locust 2.x master (2.12 to
     * 2.46 checked) takes -1 as a worker of no particular version and neither rejects it (as it does
     * an empty version, a pre-2.0 worker) nor compares it with its own. A version string of another
     * minor version than the master's would have it warn of a version mismatch at every connect.
     */
    private static final int ANY_VERSION = -1;

    private WorkerMessages() {
    }

    public static Message clientReady(String nodeId) {
        return new Message("client_ready", ANY_VERSION, nodeId);
    }

    public static Message heartbeat(String nodeId, String state, double cpuPercent, long memoryBytes) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state);
        data.put("current_cpu_usage", cpuPercent);
        data.put("current_memory_usage", memoryBytes);
        return new Message("heartbeat", data, nodeId);
    }

    public static Message spawning(String nodeId) {
        return new Message("spawning", null, nodeId);
    }

    public static Message spawningComplete(String nodeId, Map<String, Integer> userClassesCount) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_classes_count", new LinkedHashMap<>(userClassesCount));
        data.put("user_count", userClassesCount.values().stream().mapToInt(Integer::intValue).sum());
        return new Message("spawning_complete", data, nodeId);
    }

    /** A stats report: the interval since the previous one (entries reset after each report). */
    public static Message stats(String nodeId, StatsInterval interval, Map<String, Integer> userClassesCount) {
        Map<String, Object> data = new LinkedHashMap<>();
        List<Object> entries = new ArrayList<>();
        for (EntrySnapshot entry : interval.entries()) {
            // As Locust's serialize_stats: names without calls in this interval are left out.
            if (entry.numRequests() > 0 || entry.numFailures() > 0) {
                entries.add(entry(entry));
            }
        }
        data.put("stats", entries);
        data.put("stats_total", entry(interval.total()));
        Map<String, Object> errors = new LinkedHashMap<>();
        for (ErrorCount error : interval.errors()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", error.name());
            item.put("method", error.method());
            item.put("error", error.error());
            item.put("occurrences", error.occurrences());
            errors.put(error.locustKey(), item);
        }
        data.put("errors", errors);
        data.put("user_classes_count", new LinkedHashMap<>(userClassesCount));
        data.put("user_count", userClassesCount.values().stream().mapToInt(Integer::intValue).sum());
        return new Message("stats", data, nodeId);
    }

    public static Message clientStopped(String nodeId) {
        return new Message("client_stopped", null, nodeId);
    }

    /**
     * A problem for the master's exceptions table. Locust files exceptions under their traceback,
     * so an empty one would merge every problem into one row showing the first message: the
     * traceback names where the problem arose and what it is.
     *
     * @param where the step and the field of the master's message it concerns, e.g. "spawn: host"
     */
    public static Message exception(String nodeId, String where, String message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("msg", message);
        data.put("traceback", "  Java worker (todokube loadtest), " + where + "\n    " + message + "\n");
        return new Message("exception", data, nodeId);
    }

    public static Message quit(String nodeId) {
        return new Message("quit", null, nodeId);
    }

    /** One entry as Locust's {@code StatsEntry.serialize()}: StatsEntryDict's keys, None where Locust has None. */
    static Map<String, Object> entry(EntrySnapshot entry) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", entry.name());
        data.put("method", entry.method().isEmpty() ? null : entry.method());
        data.put("last_request_timestamp", entry.lastRequestTimestamp());
        data.put("start_time", entry.startTime());
        data.put("num_requests", entry.numRequests());
        data.put("num_none_requests", 0L);
        data.put("num_failures", entry.numFailures());
        data.put("total_response_time", entry.totalResponseTime());
        data.put("max_response_time", entry.maxResponseTime());
        data.put("min_response_time", entry.minResponseTime());
        data.put("total_content_length", entry.totalContentLength());
        data.put("response_times", new LinkedHashMap<>(entry.responseTimes()));
        data.put("num_reqs_per_sec", new LinkedHashMap<>(entry.numReqsPerSec()));
        data.put("num_fail_per_sec", new LinkedHashMap<>(entry.numFailPerSec()));
        return data;
    }
}
