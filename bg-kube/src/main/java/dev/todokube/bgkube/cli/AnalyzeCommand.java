package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.AnalysisFailedException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.AnalysisHtml;
import dev.todokube.bgkube.analysis.AnalysisJson;
import dev.todokube.bgkube.analysis.AnalysisPlan;
import dev.todokube.bgkube.analysis.AnalysisResult;
import dev.todokube.bgkube.analysis.Analyzer;
import dev.todokube.bgkube.analysis.LoadtestJar;
import dev.todokube.bgkube.analysis.PrometheusSource;
import dev.todokube.bgkube.analysis.VerdictTable;
import dev.todokube.bgkube.config.AnalysisKey;
import dev.todokube.bgkube.config.AnalysisSettings;
import dev.todokube.bgkube.config.SettingsLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code analyze}: the same load at a target and a baseline side by side, a verdict table, gates.
 * Needs no cluster and no env file; with {@code --env-file} its ANALYSIS_* keys are the defaults.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drive the same load at the target and, at the same time, at the baseline with the project's "
                + "load generator; print a verdict table and check the gates.",
        footer = {"", "A token for a service with AUTH_TOKENS: the ANALYSIS_TOKEN environment variable, or --token-file.",
                "", "Exit codes: 0 every gate passed, 2 bad options, 3 a target, a metrics endpoint or Prometheus "
                + "cannot be reached (or Prometheus scrapes no healthy target the selector matches), or most calls "
                + "of a side were refused as UNAUTHENTICATED or PERMISSION_DENIED (the analysis is not authorised), "
                + "5 a gate or the error ceiling failed."})
final class AnalyzeCommand implements Callable<Integer> {

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    @ParentCommand
    BgKube root;

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT[,...]",
            description = "The version under test; load is spread round-robin over every address.")
    String target;

    @Option(names = "--baseline", paramLabel = "HOST:PORT[,...]",
            description = "The version to compare with (e.g. the live color), under the same load at the same time.")
    String baseline;

    @Option(names = "--metrics", paramLabel = "URL[,...]",
            description = "The target's Prometheus endpoints (one per replica; HOST:PORT means http://HOST:PORT/metrics): "
                    + "the error-rate and p99 gates also apply to its own counters over the window.")
    String metrics;

    @Option(names = "--baseline-metrics", paramLabel = "URL[,...]",
            description = "The baseline's Prometheus endpoints: the p99-ratio gate also applies to the services' own p99s.")
    String baselineMetrics;

    @Option(names = "--prometheus", paramLabel = "URL",
            description = "A Prometheus server that scrapes the service (e.g. http://prometheus:9090): the error-rate, p99 "
                    + "and p99-ratio gates also apply to the same counters there, by PromQL over the window. Optional; "
                    + "it may take up to 2 minutes after the run for every target to be scraped once more.")
    String prometheus;

    @Option(names = "--prometheus-selector", paramLabel = "LABELS",
            description = "Which of Prometheus's scrape targets are the target, by their labels, e.g. "
                    + "'job=\"todo-api\",color=\"green\"'. Needed with --prometheus.")
    String prometheusSelector;

    @Option(names = "--baseline-prometheus-selector", paramLabel = "LABELS",
            description = "The same for the baseline, e.g. 'job=\"todo-api\",color=\"blue\"'.")
    String baselinePrometheusSelector;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write an HTML report: the verdict, and both sides' latency and throughput over time on "
                    + "interactive charts.")
    Path html;

    /** The load-shape and gate options, one per {@link AnalysisKey}, added to the command's spec. */
    static void addKeyOptions(CommandSpec command) {
        for (AnalysisKey key : AnalysisKey.values()) {
            if (!key.analyzeOption()) {
                continue;
            }
            command.addOption(OptionSpec.builder(key.flag()).paramLabel(key.label()).type(String.class)
                    .description((key.description() + " [" + key.envName() + "]").replace("%", "%%")).build());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<AnalysisKey, String> flags = new EnumMap<>(AnalysisKey.class);
        for (AnalysisKey key : AnalysisKey.values()) {
            if (key.analyzeOption() && spec.commandLine().getParseResult().hasMatchedOption(key.flag())) {
                flags.put(key, spec.commandLine().getParseResult().matchedOptionValue(key.flag(), ""));
            }
        }
        AnalysisSettings settings = SettingsLoader.loadAnalysis(flags, Optional.ofNullable(root.envFile));
        List<String> targetAddresses = addresses("--target", target);
        List<String> baselineAddresses = baseline == null ? List.of() : addresses("--baseline", baseline);
        if (settings.gates().maxP99Ratio().isPresent() && baselineAddresses.isEmpty()) {
            throw new ConfigurationException("--max-p99-ratio needs --baseline: a ratio gate compares the target "
                    + "with a baseline measured in the same run");
        }
        if (baselineMetrics != null && baselineAddresses.isEmpty()) {
            throw new ConfigurationException("--baseline-metrics needs --baseline");
        }
        AnalysisPlan plan = new AnalysisPlan(targetAddresses, baselineAddresses, settings.shape(), settings.gates(),
                endpoints("--metrics", metrics), endpoints("--baseline-metrics", baselineMetrics),
                prometheusSides(baselineAddresses), settings.token(), Optional.empty());
        checkWritable("--json", json);
        checkWritable("--html", html);
        LoadtestJar loadtest = LoadtestJars.resolve(settings);

        Toolbox toolbox = root.toolbox();
        toolbox.out().print(plan.describe());
        AnalysisResult result = new Analyzer(loadtest, toolbox.out()::println).run(plan);
        toolbox.out().println();
        toolbox.out().print(VerdictTable.render(result));
        write(json, AnalysisJson.render(result), "JSON");
        write(html, AnalysisHtml.render(result), "HTML report");
        if (!result.verdict().passed()) {
            throw new AnalysisFailedException("analysis failed: " + result.verdict().reason());
        }
        return 0;
    }

    private Optional<AnalysisPlan.PrometheusSides> prometheusSides(List<String> baselineAddresses) {
        if (prometheus == null) {
            if (prometheusSelector != null || baselinePrometheusSelector != null) {
                throw new ConfigurationException((prometheusSelector != null ? "--prometheus-selector"
                        : "--baseline-prometheus-selector") + " needs --prometheus");
            }
            return Optional.empty();
        }
        URI server = httpUrl("--prometheus", prometheus);
        if (prometheusSelector == null) {
            throw new ConfigurationException("--prometheus needs --prometheus-selector: the labels of the target's scrape "
                    + "targets, e.g. 'job=\"todo-api\",color=\"green\"'");
        }
        if (baselinePrometheusSelector != null && baselineAddresses.isEmpty()) {
            throw new ConfigurationException("--baseline-prometheus-selector needs --baseline");
        }
        selector("--prometheus-selector", prometheusSelector);
        Optional<String> baselineSelector = Optional.ofNullable(baselinePrometheusSelector);
        baselineSelector.ifPresent(selector -> selector("--baseline-prometheus-selector", selector));
        return Optional.of(new AnalysisPlan.PrometheusSides(server, prometheusSelector, baselineSelector));
    }

    /** Label matchers, with or without braces; Prometheus itself checks their syntax before any load. */
    private static void selector(String option, String text) {
        String matchers = PrometheusSource.matchers(text);
        if (matchers.isEmpty() || !matchers.matches("(?s).*[=~].*")) {
            throw new ConfigurationException(option + ": '" + text + "' is not a label selector such as "
                    + "'job=\"todo-api\",color=\"green\"'");
        }
    }

    private static URI httpUrl(String option, String text) {
        try {
            URI uri = URI.create(text.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(option + ": '" + text + "' is not an http(s) URL");
        }
    }

    private static List<String> addresses(String option, String text) {
        List<String> addresses = new ArrayList<>();
        for (String address : text.split(",", -1)) {
            String trimmed = address.strip();
            var match = HOST_PORT.matcher(trimmed);
            if (!match.matches() || Integer.parseInt(match.group(2)) < 1 || Integer.parseInt(match.group(2)) > 65535) {
                throw new ConfigurationException(option + ": '" + trimmed + "' is not HOST:PORT (a port from 1 to 65535)");
            }
            addresses.add(trimmed);
        }
        return addresses;
    }

    private static List<URI> endpoints(String option, String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(",", -1)).map(String::strip).map(endpoint -> {
            if (HOST_PORT.matcher(endpoint).matches()) {
                return URI.create("http://" + endpoint + "/metrics");
            }
            try {
                return httpUrl(option, endpoint);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(option + ": '" + endpoint + "' is neither an http(s) URL nor HOST:PORT");
            }
        }).toList();
    }

    private static void checkWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new ConfigurationException(option + ": cannot write " + file + ": its directory does not exist or is not writable");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigurationException(option + ": " + file + " is a directory");
        }
    }

    /** Whole or nothing: a temporary file beside it, moved into place. */
    private void write(Path file, String content, String what) {
        if (file == null) {
            return;
        }
        try {
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".bg-kube-", ".tmp");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            root.toolbox().out().println(what + " written: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new ConfigurationException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
