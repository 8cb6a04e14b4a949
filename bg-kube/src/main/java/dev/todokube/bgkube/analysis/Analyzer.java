package dev.todokube.bgkube.analysis;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs an {@link AnalysisPlan}: checks every address answers, starts one load generator per side
 * at the same time with the same shape, scrapes the sides' metrics at both edges of the measured
 * window (which opens when both generators say theirs has: after their own warm-up, whatever the
 * plan's), and checks the gates.
 */
public final class Analyzer {

    static final String TARGET = Verdict.TARGET;
    static final String BASELINE = Verdict.BASELINE;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Beyond ramp-up, warm-up and duration: the JVMs' start, the generators' own warm-up (10 s at
     * most on a very busy machine), the last calls' grace, the reports.
     */
    private static final Duration OVERHEAD = Duration.ofSeconds(90);
    /** How long Prometheus may take to scrape every target once more after the window (a few scrape intervals). */
    private static final Duration PROMETHEUS_INGEST_WAIT = Duration.ofMinutes(2);

    private final LoadtestJar loadtest;
    private final MetricsScraper scraper;
    private final Clock clock;
    private final Consumer<String> log;

    public Analyzer(LoadtestJar loadtest, MetricsScraper scraper, Clock clock, Consumer<String> log) {
        this.loadtest = loadtest;
        this.scraper = scraper;
        this.clock = clock;
        this.log = log;
    }

    public Analyzer(LoadtestJar loadtest, Consumer<String> log) {
        this(loadtest, new MetricsScraper(), Clock.systemUTC(), log);
    }

    /**
     * @throws ClusterException a side or a metrics endpoint cannot be reached, or most calls of a side
     *     were refused as UNAUTHENTICATED or PERMISSION_DENIED: the analysis is not authorised (exit code 3)
     * @throws ConfigurationException the load generator rejected the load shape (exit code 2)
     */
    public AnalysisResult run(AnalysisPlan plan) throws InterruptedException {
        if (plan.gates().maxP99Ratio().isPresent() && !plan.hasBaseline()) {
            throw new ConfigurationException("a p99-ratio gate needs a baseline to compare with");
        }
        checkReachable(TARGET, plan.target());
        checkReachable(BASELINE, plan.baseline());
        Optional<PrometheusSource> prometheus = plan.prometheus()
                .map(sides -> new PrometheusSource(sides.server(), PROMETHEUS_INGEST_WAIT, clock));
        if (prometheus.isPresent()) {
            AnalysisPlan.PrometheusSides sides = plan.prometheus().get();
            prometheus.get().checkTargets(sides.targetSelector());
            if (sides.baselineSelector().isPresent()) {
                prometheus.get().checkTargets(sides.baselineSelector().get());
            }
        }
        Path dir = createWorkDirectory();
        try {
            return measure(plan, prometheus, dir);
        } finally {
            deleteQuietly(dir);
        }
    }

    private AnalysisResult measure(AnalysisPlan plan, Optional<PrometheusSource> prometheus, Path dir)
            throws InterruptedException {
        LoadShape shape = plan.shape();
        // Scraped before any load, to fail fast on an endpoint that does not answer; again when the window opens.
        scrapeIfAny(plan.targetMetrics());
        scrapeIfAny(plan.baselineMetrics());
        Instant startedAt = clock.instant();
        log.accept("starting the load generator" + (plan.hasBaseline() ? "s for the target and the baseline" : "")
                + ": " + loadtest.jar());
        List<LoadtestRun> runs = new ArrayList<>();
        List<Opened> opened;
        try {
            runs.add(start(TARGET, plan.target(), shape, plan.token(), dir));
            if (plan.hasBaseline()) {
                runs.add(start(BASELINE, plan.baseline(), shape, plan.token(), dir));
            }
            opened = awaitWindows(runs, List.of(plan.targetMetrics(), plan.baselineMetrics()),
                    shape.warmUp().plus(OVERHEAD));
            log.accept("measuring for " + Numbers.duration(shape.duration()) + ": the target from " + opened.get(0).at()
                    + (opened.size() > 1 ? ", the baseline from " + opened.get(1).at() : "") + "; the load generator"
                    + (runs.size() > 1 ? "s" : "") + " warmed up first" + (shape.warmUp().isZero() ? ""
                            : ", and the sides had a warm-up of " + Numbers.duration(shape.warmUp())));
            Duration timeout = shape.rampUp().plus(shape.warmUp()).plus(shape.duration()).plus(OVERHEAD);
            for (LoadtestRun run : runs) {
                awaitExit(run, timeout, runs);
            }
        } finally {
            runs.forEach(LoadtestRun::kill);
        }
        Instant windowClosed = clock.instant();
        SideResult target = withMetrics(report(runs.get(0)), plan.targetMetrics(), opened.get(0).metrics());
        Optional<SideResult> baseline = runs.size() > 1
                ? Optional.of(withMetrics(report(runs.get(1)), plan.baselineMetrics(), opened.get(1).metrics()))
                : Optional.empty();
        if (prometheus.isPresent()) {
            AnalysisPlan.PrometheusSides sides = plan.prometheus().orElseThrow();
            log.accept("reading the window's counters from Prometheus " + sides.server());
            target = target.withServer(prometheus.get().window(sides.targetSelector(), opened.get(0).at(), windowClosed));
            if (baseline.isPresent() && sides.baselineSelector().isPresent()) {
                baseline = Optional.of(baseline.get().withServer(
                        prometheus.get().window(sides.baselineSelector().get(), opened.get(1).at(), windowClosed)));
            }
        }
        checkAnswered(target);
        baseline.ifPresent(Analyzer::checkAnswered);
        List<SideResult> aligned = onOneAxis(Stream.concat(Stream.of(target), baseline.stream()).toList());
        target = aligned.get(0);
        baseline = baseline.isPresent() ? Optional.of(aligned.get(1)) : Optional.empty();
        Verdict verdict = Verdict.of(plan.gates(), target, baseline);
        if (verdict.notAuthorised()) {
            throw new ClusterException("the analysis is not authorised: " + verdict.refusals().stream()
                    .map(Refusal::describe).collect(Collectors.joining("; ")) + "; " + plan.token()
                    .map(token -> token + " was refused: it must be one of the service's AUTH_TOKENS")
                    .orElse("no token was sent: set ANALYSIS_TOKEN (or ANALYSIS_TOKEN_FILE)"));
        }
        return new AnalysisResult(plan, startedAt, target, baseline, verdict);
    }

    private LoadtestRun start(String side, List<String> addresses, LoadShape shape, Optional<AnalysisToken> token,
            Path dir) {
        try {
            return loadtest.start(side, addresses, shape, token, dir);
        } catch (IOException e) {
            throw new ConfigurationException("cannot start the load generator " + loadtest.jar() + ": " + e.getMessage(), e);
        }
    }

    /** When a side's measured window opened, and its metrics then (null without metrics endpoints). */
    private record Opened(Instant at, MetricsScraper.Snapshot metrics) {
    }

    /**
     * Waits until each side's generator opens its measured window and reads that side's metrics at
     * once, so its metrics window starts with its load's (the two generators warm up at their own
     * pace: a second apart on a busy machine). A generator that fails or overruns first is reported.
     */
    private List<Opened> awaitWindows(List<LoadtestRun> runs, List<List<URI>> metrics, Duration timeout)
            throws InterruptedException {
        Opened[] opened = new Opened[runs.size()];
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int open = 0; open < runs.size(); ) {
            for (int i = 0; i < runs.size(); i++) {
                LoadtestRun run = runs.get(i);
                if (opened[i] != null) {
                    continue;
                }
                if (run.measuring()) {
                    opened[i] = new Opened(clock.instant(), scrapeIfAny(metrics.get(i)));
                    open++;
                } else if (run.exitCode() >= 0 || System.nanoTime() > deadline) {
                    int exit = run.exitCode();
                    runs.forEach(LoadtestRun::kill);
                    throw failure(run, exit, "did not start measuring within " + timeout.toSeconds() + "s");
                }
            }
            if (open < runs.size()) {
                Thread.sleep(50);
            }
        }
        return List.of(opened);
    }

    private static void awaitExit(LoadtestRun run, Duration timeout, List<LoadtestRun> all) throws InterruptedException {
        int exit = run.awaitExit(timeout);
        if (exit == 0 || exit == 1) {
            // loadtest: 0 no call failed, 1 some failed; the gates judge the failures.
            return;
        }
        all.forEach(LoadtestRun::kill);
        throw failure(run, exit, "did not finish within " + timeout.toSeconds() + "s");
    }

    /** A generator that exited with {@code exit} (negative: still running when it should not be). */
    private static BgKubeException failure(LoadtestRun run, int exit, String overran) {
        if (exit == 2) {
            return new ConfigurationException("the load generator rejected the load shape: " + run.lastErrorLine());
        }
        return new ClusterException("the load generator for the " + run.side() + " "
                + (exit < 0 ? overran : "exited with code " + exit) + ": " + run.lastErrorLine());
    }

    private static SideResult report(LoadtestRun run) {
        try {
            return run.report();
        } catch (IOException | RuntimeException e) {
            throw new ClusterException("cannot read the load generator's report for the " + run.side() + ": " + e, e);
        }
    }

    private MetricsScraper.Snapshot scrapeIfAny(List<URI> endpoints) throws InterruptedException {
        return endpoints.isEmpty() ? null : scraper.scrape(endpoints);
    }

    private SideResult withMetrics(SideResult side, List<URI> endpoints, MetricsScraper.Snapshot before)
            throws InterruptedException {
        if (endpoints.isEmpty() || before == null) {
            return side;
        }
        return side.withServer(MetricsScraper.between(endpoints, before, scraper.scrape(endpoints)));
    }

    /** A side none of whose calls got an answer, all refused as UNAVAILABLE, was not reached at all. */
    private static void checkAnswered(SideResult side) {
        boolean noAnswer = side.calls() > 0 && side.failures() == side.calls()
                && side.errors().keySet().equals(Set.of("UNAVAILABLE"));
        if (noAnswer) {
            throw new ClusterException("the " + side.side() + " " + String.join(",", side.addresses())
                    + " could not be reached during the run: all " + side.calls() + " calls failed with UNAVAILABLE");
        }
    }

    private static void checkReachable(String side, List<String> addresses) {
        for (String address : addresses) {
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(address.substring(colon + 1));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                throw new ClusterException("the " + side + " " + address + " cannot be reached: " + e.getMessage(), e);
            }
        }
    }

    /** Both sides' samples in seconds since the earliest sample of either, so the charts line up. */
    private static List<SideResult> onOneAxis(List<SideResult> sides) {
        long origin = sides.stream().flatMap(side -> side.history().stream())
                .map(HistorySample::atSeconds).min(Comparator.naturalOrder()).orElse(0L) - 1;
        return sides.stream().map(side -> new SideResult(side.side(), side.addresses(), side.calls(), side.failures(),
                side.p50Ms(), side.p95Ms(), side.p99Ms(), side.okPerSecond(), side.elapsedSeconds(), side.errors(),
                side.history().stream().map(s -> new HistorySample(s.atSeconds() - origin, s.users(),
                        s.requestsPerSecond(), s.failuresPerSecond(), s.meanMs())).toList(),
                side.server())).toList();
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory("bg-kube-analysis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
