package dev.todokube.duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "250ms        | PT0.25S",
            "1.5s         | PT1.5S",
            "90s          | PT1M30S",
            "90           | PT1M30S",
            "1.5          | PT1.5S",
            "5m           | PT5M",
            "1h           | PT1H",
            "1h30m        | PT1H30M",
            "2h0m10s500ms | PT2H10.5S",
            "1.5h         | PT1H30M",
            "0.5ms        | PT0.0005S",
            "0            | PT0S",
            "0s           | PT0S",
            "'  30s '     | PT30S",
            "2562047h     | PT2562047H"})
    void readsTheGrammar(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "soon           | 'soon' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "''             | '' is not a duration: it is empty",
            "-5s            | '-5s' is not a duration: negative durations are not allowed",
            "30m1h          | '30m1h' is not a duration: units go from h to m to s to ms, each at most once (e.g. 1h30m)",
            "1s1s           | '1s1s' is not a duration: units go from h to m to s to ms, each at most once (e.g. 1h30m)",
            "99999999999h   | '99999999999h' is not a duration: it is longer than the most allowed, 2562047h (about 292 years)",
            "2562048h       | '2562048h' is not a duration: it is longer than the most allowed, 2562047h (about 292 years)",
            "0.0000000001s  | '0.0000000001s' is not a duration: it is finer than a nanosecond",
            "1.5.3s         | '1.5.3s' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "12parsecs      | '12parsecs' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "1h 30m         | '1h 30m' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            ".5s            | '.5s' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "5S             | '5S' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "+5s            | '+5s' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "s30            | 's30' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)",
            "1h30           | '1h30' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)"})
    void rejectsEverythingElseSayingWhy(String text, String message) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(DurationFormatException.class)
                .hasMessage(message)
                .satisfies(e -> {
                    DurationFormatException error = (DurationFormatException) e;
                    assertThat(error.text()).isEqualTo(text);
                    assertThat(message).endsWith(error.problem());
                });
    }

    @Test
    void formatWritesWhatParseReadsBack() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("0.0005s");
        assertThat(Durations.format(Duration.ofSeconds(3, 1))).isEqualTo("3.000000001s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Durations.MAX)).isEqualTo("9223372036.854775807s");
        assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.format(Durations.MAX.plusNanos(1))).isInstanceOf(IllegalArgumentException.class);

        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            Duration duration = switch (i % 3) {
                case 0 -> Duration.ofSeconds(random.nextInt(1_000_000));
                case 1 -> Duration.ofMillis(random.nextInt(100_000_000));
                default -> Duration.ofNanos(random.nextLong() & Long.MAX_VALUE);
            };
            assertThat(Durations.parse(Durations.format(duration))).as(duration.toString()).isEqualTo(duration);
        }
    }

    /** Random texts from the grammar's alphabet: each is read or rejected with a DurationFormatException, nothing else. */
    @Test
    void anyTextIsEitherADurationOrOneClearError() {
        String[] pieces = {"0", "1", "5", "30", "90", "250", "1.5", "9999999999", ".", "-", "+", " ", "h", "m", "s",
            "ms", "us", "x", "1h", "30m", "e3", "\t"};
        Random random = new Random(7);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(5); n >= 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            try {
                Duration duration = Durations.parse(text.toString());
                assertThat(duration.isNegative()).as(text.toString()).isFalse();
                assertThat(Durations.parse(Durations.format(duration))).as(text.toString()).isEqualTo(duration);
                accepted++;
            } catch (DurationFormatException e) {
                assertThat(e.getMessage()).as(text.toString()).startsWith("'" + text + "' is not a duration");
                rejected++;
            }
        }
        assertThat(accepted).as("accepted texts").isGreaterThan(1_000);
        assertThat(rejected).as("rejected texts").isGreaterThan(1_000);
    }
}
