package dev.todokube.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import dev.todokube.testkit.duration.DurationTexts;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever run time experiment accepts, loadtest accepts too: experiment accepts exactly the
 * positive durations of the project's grammar over generated texts (the same texts loadtest's
 * DurationOptionsTest shows loadtest accepts exactly those of), and texts of every shape it
 * accepts are handed, as experiment hands them, to the real loadtest jar, which takes them.
 */
class DurationOptionsTest {

    /** The same seed and count as loadtest's DurationOptionsTest, so both front ends see the same texts. */
    private static final List<String> TEXTS = DurationTexts.generate(2026, 600);

    @Test
    void runTimeAcceptsExactlyThePositiveDurationsOfTheGrammar() {
        for (String text : TEXTS) {
            ExperimentCommand command = parse("--run-time=" + text);
            if (positiveDuration(text)) {
                command.validate();
            } else {
                assertThatThrownBy(command::validate).as(text).isInstanceOf(ExperimentException.class)
                        .hasMessageStartingWith("--run-time: ");
            }
        }
    }

    @Test
    void badRunTimesAndDeadlinesSayWhy() {
        assertThatThrownBy(parse("--run-time", "1h30")::validate)
                .hasMessage("--run-time: '1h30' is not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)");
        assertThatThrownBy(parse("--run-time", "0s")::validate).hasMessage("--run-time: must be positive");
        assertThatThrownBy(parse("--deadline", "-2s")::validate)
                .hasMessage("--deadline: '-2s' is not a duration: negative durations are not allowed");
        assertThatThrownBy(parse("--run-time", "9999999h")::validate)
                .hasMessageContaining("longer than the most allowed, 2562047h");
    }

    @Test
    @Timeout(120)
    void theRealLoadtestTakesTheRunTimesExperimentHandsIt(@TempDir Path dir) throws Exception {
        Map<String, String> byShape = new LinkedHashMap<>();
        for (String text : TEXTS) {
            if (positiveDuration(text)) {
                // 1h30m and 2h15m are one shape: digits and fractions collapse, units stay.
                byShape.putIfAbsent(text.strip().replaceAll("\\d+(\\.\\d+)?", "9"), text);
            }
        }
        assertThat(byShape).as("shapes of accepted run times").hasSizeGreaterThanOrEqualTo(8);

        int run = 0;
        for (String text : byShape.values().stream().limit(8).toList()) {
            ExperimentCommand command = parse("--run-time=" + text);
            command.validate();
            List<String> args = new ArrayList<>(List.of("run", "--host", "127.0.0.1:1", "--dry-run"));
            args.addAll(command.load().runOptions());
            try (ChildProcess loadtest = ChildJvm.jar(ProjectJars.loadtest()).name("loadtest-dry-run")
                    .logFile(dir.resolve("loadtest-" + run++ + ".log")).args(args).start()) {
                assertThat(loadtest.waitFor(Duration.ofSeconds(60))).as("loadtest %s:%n%s", args, loadtest.tail())
                        .isZero();
                assertThat(loadtest.output()).contains("Dry run, nothing called: ",
                        " for " + Durations.format(Durations.parse(text)));
            }
        }
    }

    private static ExperimentCommand parse(String... args) {
        picocli.CommandLine commandLine = ExperimentCommand.commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    private static boolean positiveDuration(String text) {
        try {
            return !Durations.parse(text).isZero();
        } catch (DurationFormatException e) {
            return false;
        }
    }
}
