package dev.todokube.loadtest.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class WaitTimeTest {

    @Test
    void parsesTheThreeStrategies() {
        assertThat(WaitTime.parse("between:100ms:1000ms"))
                .isEqualTo(new WaitTime.Between(Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(WaitTime.parse("constant:1s")).isEqualTo(new WaitTime.Constant(Duration.ofSeconds(1)));
        assertThat(WaitTime.parse("constant-throughput:2")).isEqualTo(new WaitTime.ConstantThroughput(2));
        assertThat(WaitTime.parse(WaitTime.DEFAULT.toString())).isEqualTo(WaitTime.DEFAULT);
    }

    @Test
    void betweenStaysWithinItsBoundsAndCoversThem() {
        WaitTime wait = WaitTime.parse("between:100ms:200ms");
        SplittableRandom random = new SplittableRandom(7);
        long[] waits = LongStream.range(0, 10_000).map(i -> wait.nextWaitNanos(random)).toArray();
        assertThat(LongStream.of(waits).min().getAsLong()).isBetween(100_000_000L, 101_000_000L);
        assertThat(LongStream.of(waits).max().getAsLong()).isBetween(199_000_000L, 200_000_000L);
    }

    @Test
    void constantAlwaysWaitsTheSameAndConstantThroughputKeepsAPeriod() {
        SplittableRandom random = new SplittableRandom(1);
        assertThat(WaitTime.parse("constant:250ms").nextWaitNanos(random)).isEqualTo(250_000_000L);
        WaitTime.ConstantThroughput throughput = (WaitTime.ConstantThroughput) WaitTime.parse("constant-throughput:4");
        assertThat(throughput.periodNanos()).isEqualTo(250_000_000L);
        assertThat(throughput.nextWaitNanos(random)).isZero();
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThatThrownBy(() -> WaitTime.parse("between:1s")).hasMessageContaining("between:MIN:MAX");
        assertThatThrownBy(() -> WaitTime.parse("between:2s:1s")).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> WaitTime.parse("constant:soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> WaitTime.parse("constant-throughput:0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> WaitTime.parse("constant-throughput:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> WaitTime.parse("poisson:3")).hasMessageContaining("is not one of");
    }
}
