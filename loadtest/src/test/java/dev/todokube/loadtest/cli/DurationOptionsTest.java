package dev.todokube.loadtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import dev.todokube.testkit.duration.DurationTexts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * loadtest's duration options accept exactly the project's grammar (dev.todokube.duration), over
 * generated texts shared with the experiment module's tests: there, experiment is shown to accept
 * only texts of the grammar, so whatever experiment hands to loadtest, loadtest accepts.
 */
class DurationOptionsTest {

    private static final int TEXTS = 600;

    @Test
    void runTimeAcceptsExactlyThePositiveDurationsOfTheGrammar() {
        int accepted = 0;
        for (String text : DurationTexts.generate(2026, TEXTS)) {
            Optional<Duration> duration = grammar(text);
            boolean valid = duration.isPresent() && !duration.get().isZero();
            Outcome outcome = dryRun("--run-time=" + text);

            assertThat(outcome.exitCode()).as("exit code for --run-time '%s'; stderr: %s", text, outcome.err())
                    .isEqualTo(valid ? 0 : 2);
            if (valid) {
                assertThat(outcome.out()).as(text).contains(" for " + Durations.format(duration.get()));
                accepted++;
            } else {
                assertThat(outcome.err()).as(text).startsWith("loadtest: --run-time: ");
            }
        }
        assertThat(accepted).as("texts accepted").isBetween(TEXTS / 5, TEXTS * 4 / 5);
    }

    @Test
    void warmUpTimeAcceptsTheGrammarIncludingZero() {
        for (String text : DurationTexts.generate(17, 150)) {
            Outcome outcome = dryRun("--warm-up-time=" + text);

            assertThat(outcome.exitCode()).as("exit code for --warm-up-time '%s'; stderr: %s", text, outcome.err())
                    .isEqualTo(grammar(text).isPresent() ? 0 : 2);
        }
    }

    private static Optional<Duration> grammar(String text) {
        try {
            return Optional.of(Durations.parse(text));
        } catch (DurationFormatException e) {
            return Optional.empty();
        }
    }

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome dryRun(String option) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"run", "--host", "127.0.0.1:1", option, "--dry-run"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
