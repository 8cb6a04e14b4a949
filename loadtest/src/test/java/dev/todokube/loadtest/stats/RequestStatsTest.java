package dev.todokube.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RequestStatsTest {

    private static final long MS = 1_000_000;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RequestStats stats = new RequestStats(clock);

    /** A drain between a failure's request and its error would split them across two intervals. */
    @Test
    void everyIntervalHoldsAFailuresRequestAndItsErrorTogether() throws Exception {
        RequestStats shared = new RequestStats(Clock.systemUTC());
        int threads = 4;
        int failuresEach = 50_000;
        ExecutorService recorders = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(recorders.submit(() -> {
                for (int i = 0; i < failuresEach; i++) {
                    shared.failure("GetTodos", MS, "UNAUTHENTICATED");
                }
            }));
        }
        List<StatsInterval> intervals = new ArrayList<>();
        while (running.stream().anyMatch(f -> !f.isDone())) {
            intervals.add(shared.drain());
        }
        for (Future<?> f : running) {
            f.get();
        }
        recorders.shutdown();
        intervals.add(shared.drain());

        long failures = 0;
        for (StatsInterval interval : intervals) {
            long errors = interval.errors().stream().mapToLong(ErrorCount::occurrences).sum();
            assertThat(errors).as("errors in an interval of %d drains", intervals.size())
                    .isEqualTo(interval.total().numFailures());
            failures += errors;
        }
        assertThat(failures).isEqualTo((long) threads * failuresEach);
    }

    @Test
    void drainHandsOverOneIntervalAndResets() {
        stats.success("GetTodos", 5 * MS, 100);
        stats.success("GetTodos", 147 * MS, 100);
        clock.advanceMillis(1500);
        stats.failure("GetTodos", 3432 * MS, "UNAVAILABLE");
        stats.success("ListTodos", 12 * MS, 40);

        StatsInterval first = stats.drain();

        assertThat(first.entries()).extracting(EntrySnapshot::name).containsExactly("GetTodos", "ListTodos");
        EntrySnapshot get = first.entries().get(0);
        assertThat(get.method()).isEqualTo("grpc");
        assertThat(get.numRequests()).isEqualTo(3);
        assertThat(get.numFailures()).isEqualTo(1);
        assertThat(get.totalResponseTime()).isEqualTo(5 + 147 + 3432.0);
        assertThat(get.minResponseTime()).isEqualTo(5.0);
        assertThat(get.maxResponseTime()).isEqualTo(3432.0);
        assertThat(get.totalContentLength()).isEqualTo(200);
        assertThat(get.responseTimes()).containsExactly(Map.entry(5L, 1L), Map.entry(150L, 1L), Map.entry(3400L, 1L));
        long start = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        assertThat(get.numReqsPerSec()).containsExactly(Map.entry(start, 2L), Map.entry(start + 1, 1L));
        assertThat(get.numFailPerSec()).containsExactly(Map.entry(start + 1, 1L));
        assertThat(get.lastRequestTimestamp()).isEqualTo(start + 1.5);
        assertThat(get.histogram().getTotalCount()).isEqualTo(3);
        assertThat(first.total().name()).isEqualTo(RequestStats.TOTAL_NAME);
        assertThat(first.total().numRequests()).isEqualTo(4);
        assertThat(first.total().numFailures()).isEqualTo(1);
        assertThat(first.errors()).containsExactly(new ErrorCount("grpc", "GetTodos", "UNAVAILABLE", 1));

        StatsInterval second = stats.drain();
        assertThat(second.entries()).allSatisfy(entry -> {
            assertThat(entry.numRequests()).isZero();
            assertThat(entry.minResponseTime()).isNull();
            assertThat(entry.lastRequestTimestamp()).isNull();
            assertThat(entry.responseTimes()).isEmpty();
            assertThat(entry.histogram().getTotalCount()).isZero();
        });
        assertThat(second.total().numRequests()).isZero();
        assertThat(second.errors()).isEmpty();
    }

    @Test
    void aggregateAddsUpIntervalsWithRatesOverTheWholeRun() {
        StatsAggregate aggregate = new StatsAggregate();
        for (int second = 0; second < 4; second++) {
            for (int i = 0; i < 10; i++) {
                stats.success("GetTodos", (i + 1) * MS, 10);
            }
            stats.failure("GetTodos", 20 * MS, "DEADLINE_EXCEEDED");
            clock.advanceMillis(1000);
            aggregate.add(stats.drain());
        }

        EntrySummary total = aggregate.total();
        assertThat(total.requests()).isEqualTo(44);
        assertThat(total.failures()).isEqualTo(4);
        assertThat(total.minMs()).isEqualTo(1.0);
        assertThat(total.maxMs()).isEqualTo(20.0);
        assertThat(total.p50Ms()).isBetween(5.9, 6.1);
        assertThat(total.p100Ms()).isBetween(19.9, 20.1);
        // First interval starts at t=0, the last request is at t=3: 44 requests over 3 seconds.
        assertThat(total.requestsPerSecond()).isCloseTo(44 / 3.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(aggregate.entries()).singleElement().satisfies(entry -> assertThat(entry.requests()).isEqualTo(44));
        assertThat(aggregate.errors()).containsExactly(new ErrorCount("grpc", "GetTodos", "DEADLINE_EXCEEDED", 4));
    }

    @Test
    void errorKeyIsLocustsHashOfMethodNameAndRepr() {
        // Python: hashlib.sha256("grpc.GetTodos.'UNAVAILABLE'".encode()).hexdigest()
        assertThat(new ErrorCount("grpc", "GetTodos", "UNAVAILABLE", 1).locustKey())
                .isEqualTo("59facd68499969eab1326d79a6d146c266e4f299e0309b0f472696023117551e");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
