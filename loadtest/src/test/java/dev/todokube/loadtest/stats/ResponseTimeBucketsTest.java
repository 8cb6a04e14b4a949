package dev.todokube.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseTimeBucketsTest {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
            "0.4, 0", "0.5, 0", "1.5, 2", "7.2, 7", "99.4, 99",
            // Locust's own examples: 147 -> 150, 3432 -> 3400, 58760 -> 59000
            "147, 150", "3432, 3400", "58760, 59000",
            // Python's round() takes halves to even
            "145, 140", "155, 160", "2250, 2200", "2350, 2400",
            "100, 100", "999, 1000", "1049, 1000", "9999, 10000", "123456, 123000"})
    void roundsAsLocustDoes(double responseTimeMs, long bucket) {
        assertThat(ResponseTimeBuckets.bucketOf(responseTimeMs)).isEqualTo(bucket);
    }
}
