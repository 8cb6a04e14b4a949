package dev.todokube.loadtest.cli;

import dev.todokube.duration.Durations;
import dev.todokube.loadtest.report.ConsoleReport;
import dev.todokube.loadtest.report.CsvReport;
import dev.todokube.loadtest.report.HtmlReport;
import dev.todokube.loadtest.report.JsonReport;
import dev.todokube.loadtest.runner.RunPlan;
import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.runner.StandaloneRun;
import dev.todokube.loadtest.runner.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loadtest run}: a headless load test without a Locust master. Exit 0: no failures; 1: some calls failed; 2: bad options. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a load test standalone: console table, final summary, optional CSV/HTML/JSON reports.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Target: HOST:PORT[,HOST:PORT...] (round-robin over all) or dns:///NAME:PORT (all resolved addresses).")
    String host;

    @Option(names = {"-u", "--users"}, defaultValue = "1", paramLabel = "N", description = "Simulated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = {"-r", "--spawn-rate"}, defaultValue = "1", paramLabel = "PER_S",
            description = "Users started per second (default: ${DEFAULT-VALUE}).")
    double spawnRate;

    @Option(names = {"-t", "--run-time"}, defaultValue = "60s", paramLabel = "DURATION",
            description = "How long to run, e.g. 90s, 1.5s, 1h30m (default: ${DEFAULT-VALUE}).")
    String runTime;

    @Option(names = "--warm-up-time", defaultValue = "0s", paramLabel = "DURATION",
            description = "Let the users run this long before the run time starts, and leave those calls out of "
                    + "every report (as h2load's option of that name; default: ${DEFAULT-VALUE}).")
    String warmUpTime;

    @Mixin
    UserOptions userOptions;

    @Option(names = "--csv", paramLabel = "PREFIX", description = "Write PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv.")
    String csvPrefix;

    @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML report with charts.")
    Path htmlFile;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the final totals as JSON.")
    Path jsonFile;

    @Option(names = "--print-interval", defaultValue = "3s", paramLabel = "DURATION",
            description = "How often the console table is printed (default: ${DEFAULT-VALUE}).")
    String printInterval;

    @Option(names = "--dry-run",
            description = "Check the options and print what would run, then exit 0 without calling the target.")
    boolean dryRun;

    @Override
    public Integer call() throws InterruptedException, IOException {
        RunPlan plan = plan();
        PrintStream out = System.out;
        ConsoleReport console = new ConsoleReport(out, parse("--print-interval", printInterval));
        String description = String.format(Locale.ROOT, "%d users (spawn rate %s/s) against %s for %s%s: tasks %s, wait %s, channels %s",
                plan.users(), plan.spawnRate(), plan.target(), Durations.format(plan.runTime()),
                plan.warmUp().isZero() ? "" : " after a warm-up of " + Durations.format(plan.warmUp()),
                plan.profile().tasks(), plan.profile().waitTime(), plan.channels());
        if (dryRun) {
            spec.commandLine().getOut().println("Dry run, nothing called: " + description);
            return 0;
        }
        StandaloneRun run = new StandaloneRun(plan, Clock.systemUTC());
        CountDownLatch reported = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            run.requestStop();
            try {
                reported.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtest-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            out.println("Running " + description);
            RunResult result = run.execute(console);
            console.summary(result);
            if (csvPrefix != null) {
                CsvReport.write(result, csvPrefix);
                out.println("CSV written: " + CsvReport.files(csvPrefix).get(0).toAbsolutePath() + " and siblings");
            }
            if (htmlFile != null) {
                HtmlReport.write(result, htmlFile);
                out.println("HTML report written: " + htmlFile.toAbsolutePath());
            }
            if (jsonFile != null) {
                JsonReport.write(result, jsonFile);
                out.println("JSON summary written: " + jsonFile.toAbsolutePath());
            }
            return result.total().failures() == 0 ? 0 : 1;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the reports above.
            }
        }
    }

    private RunPlan plan() {
        if (users < 1) {
            throw invalid("--users must be at least 1, got " + users);
        }
        if (!(spawnRate > 0) || Double.isInfinite(spawnRate)) {
            throw invalid("--spawn-rate must be a positive number of users per second, got " + spawnRate);
        }
        try {
            Target target = Target.parse(host);
            return new RunPlan(target, userOptions.transport(), userOptions.channelMode(), users, spawnRate,
                    parseAllowingZero("--warm-up-time", warmUpTime), parse("--run-time", runTime), userOptions.profile());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private Duration parse(String option, String value) {
        Duration duration = parseAllowingZero(option, value);
        if (duration.isZero()) {
            throw invalid(option + ": must be positive");
        }
        return duration;
    }

    private Duration parseAllowingZero(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(option + ": " + e.getMessage());
        }
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
