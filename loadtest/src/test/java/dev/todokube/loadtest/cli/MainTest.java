package dev.todokube.loadtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.loadtest.fixtures.Csv;
import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--users -1                    | --users must be at least 1, got -1",
            "--spawn-rate 0                | --spawn-rate must be a positive number",
            "--host localhost              | host 'localhost': 'localhost' is not HOST:PORT",
            "--tasks GetTodos=1,Teleport=2 | unknown task 'Teleport'",
            "--wait-time sometimes         | wait time 'sometimes'",
            "--run-time soon               | --run-time: 'soon' is not a duration",
            "--warm-up-time later          | --warm-up-time: 'later' is not a duration",
            "--deadline 0s                 | deadline must be positive",
            "--channels shared:0           | at least 1 channel",
            "--token s3cr3t                | --token would show the token to every user of this machine (ps, /proc): put it in the LOADTEST_TOKEN environment variable or in a file given with --token-file",
            "--token-file /nonexistent/tok | --token-file /nonexistent/tok: no such readable file",
            "--users many                  | Invalid value for option '--users'"})
    void invalidRunOptionsGiveOneClearErrorAndExitCode2(String badOption, String message) {
        String[] bad = badOption.trim().split(" ");
        List<String> args = new java.util.ArrayList<>(List.of("run"));
        for (String[] valid : new String[][] {{"--host", "127.0.0.1:8001"}, {"--run-time", "1s"}}) {
            if (!bad[0].equals(valid[0])) {
                args.addAll(List.of(valid));
            }
        }
        args.addAll(List.of(bad));
        Outcome outcome = execute(args.toArray(String[]::new));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains(message.trim()).contains("loadtest run --help").doesNotContain("s3cr3t");
        assertThat(outcome.err().lines().count()).isEqualTo(2);
        assertThat(outcome.out()).isEmpty();
    }

    @Test
    void invalidWorkerOptionsExitWith2() {
        Outcome badPort = execute("worker", "--master-port", "0");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.err()).contains("master port 0 is out of range");

        Outcome badHost = execute("worker", "--host", "nowhere");
        assertThat(badHost.exitCode()).isEqualTo(2);
        assertThat(badHost.err()).contains("'nowhere' is not HOST:PORT");

        Outcome noCommand = execute();
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.err()).isEqualTo(String.format("loadtest: a command is required: run or worker%n"
                + "Try 'loadtest --help' for the options.%n"));
    }

    @Test
    @Timeout(60)
    void runWritesConsoleSummaryCsvHtmlAndJson(@TempDir Path dir) throws Exception {
        try (TodosTestServer server = TodosTestServer.start().failEvery(3, Status.UNAVAILABLE)) {
            Path html = dir.resolve("report.html");
            Path json = dir.resolve("summary.json");
            String prefix = dir.resolve("run").toString();
            PrintStream stdout = System.out;
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
                code = Main.execute(new String[] {"run", "--host", server.address(), "--users", "4", "--spawn-rate", "10",
                        "--run-time", "3s", "--wait-time", "constant:20ms", "--deadline", "20s", "--tasks", "GetTodos=1,ListTodos=1",
                        "--print-interval", "1s", "--csv", prefix, "--html", html.toString(), "--json", json.toString()},
                        System.out, System.err);
            } finally {
                System.setOut(stdout);
            }

            assertThat(code).as("some calls failed").isEqualTo(1);
            String out = console.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("All users spawned: 4 users", "Response time percentiles", "Error report",
                    ": UNAVAILABLE", "Aggregated");

            long served = server.calls("GetTodos") + server.calls("ListTodos");
            JsonNode summary = new ObjectMapper().readTree(json.toFile());
            assertThat(summary.get("total").get("requests").asLong()).isEqualTo(served);
            assertThat(summary.get("total").get("failures").asLong())
                    .isEqualTo(server.calls("GetTodos") / 3 + server.calls("ListTodos") / 3);
            assertThat(summary.get("entries")).extracting(entry -> entry.get("name").asText())
                    .containsExactly("GetTodos", "ListTodos");
            for (JsonNode entry : summary.get("entries")) {
                assertThat(entry.get("p50_ms").isNumber()).isTrue();
                assertThat(entry.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(entry.get("p50_ms").asDouble());
            }
            JsonNode total = summary.get("total");
            JsonNode ok = summary.get("ok");
            assertThat(ok.get("requests").asLong()).as("the OK calls' own row")
                    .isEqualTo(total.get("requests").asLong() - total.get("failures").asLong()).isPositive();
            assertThat(ok.get("failures").asLong()).isZero();
            assertThat(ok.get("p99_ms").asDouble()).isPositive();
            assertThat(summary.get("errors")).as("errors").isNotEmpty().allSatisfy(error -> {
                assertThat(error.get("error").asText()).isEqualTo("UNAVAILABLE");
                assertThat(error.get("occurrences").asLong()).isPositive();
            });

            List<Map<String, String>> stats = Csv.read(Path.of(prefix + "_stats.csv"));
            assertThat(Csv.header(Path.of(prefix + "_stats.csv"))).containsExactly("Type", "Name", "Request Count",
                    "Failure Count", "Median Response Time", "Average Response Time", "Min Response Time",
                    "Max Response Time", "Average Content Size", "Requests/s", "Failures/s", "50%", "66%", "75%",
                    "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%");
            assertThat(stats).extracting(row -> row.get("Name")).containsExactly("GetTodos", "ListTodos", "Aggregated");
            assertThat(Long.parseLong(stats.get(2).get("Request Count"))).isEqualTo(served);
            List<Map<String, String>> history = Csv.read(Path.of(prefix + "_stats_history.csv"));
            assertThat(history).as("history").isNotEmpty().allSatisfy(row -> assertThat(row.get("Name")).isEqualTo("Aggregated"));
            assertThat(Csv.header(Path.of(prefix + "_stats_history.csv"))).startsWith("Timestamp", "User Count", "Type",
                    "Name", "Requests/s", "Failures/s", "50%").endsWith("Total Average Content Size");
            assertThat(Csv.read(Path.of(prefix + "_failures.csv"))).as("failures").isNotEmpty().allSatisfy(row ->
                    assertThat(row).containsEntry("Error", "UNAVAILABLE").containsEntry("Method", "grpc"));
            assertThat(Csv.header(Path.of(prefix + "_exceptions.csv"))).containsExactly("Count", "Message", "Traceback", "Nodes");

            // The charts, and that the page fetches nothing, are checked in a real browser by HtmlReportBrowserTest.
            String page = Files.readString(html);
            assertThat(page).contains("UNAVAILABLE", "id=\"requests-chart\"", "id=\"response-time-chart\"",
                    "id=\"users-chart\"");
            assertThat(page.split("<table ", -1)).as("tables").hasSize(4);
        }
    }

    /**
     * Whatever the warm-up time (none here), the generator warms itself up against itself and
     * connects its first users before the measured window: the target accepts every user's
     * connection before the window opens and gets no call before it, and every call it gets is
     * in the report.
     */
    @Test
    @Timeout(60)
    void theGeneratorsOwnStartUpStaysOutOfTheWindow() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            String out = runCapturingOutput("run", "--host", server.address(), "--users", "4", "--spawn-rate", "10",
                    "--run-time", "1s", "--wait-time", "constant:20ms", "--deadline", "20s");

            assertThat(out).containsPattern("Warmed up against itself: [1-9][0-9,]* calls in [0-9.]+ s \\(none to the target\\)");
            Instant opened = Instant.parse(out.lines().filter(line -> line.startsWith("Measuring from "))
                    .findFirst().orElseThrow(() -> new AssertionError("no 'Measuring from' line in:\n" + out))
                    .substring("Measuring from ".length()));
            assertThat(server.connectionsAccepted()).as("each user's connection, accepted before the window opened")
                    .hasSize(4).allSatisfy(accepted -> assertThat(accepted).isBefore(opened));
            assertThat(server.firstCall()).hasValueSatisfying(first -> assertThat(first).isAfterOrEqualTo(opened));
        }
    }

    @Test
    @Timeout(60)
    void aTokenFromAFileIsSentAsBearerMetadataAndInGetTodos(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "file-token\n");
        try (TodosTestServer server = TodosTestServer.start()) {
            runCapturingOutput("run", "--host", server.address(), "--users", "2", "--run-time", "1s",
                    "--wait-time", "constant:50ms", "--token-file", tokenFile.toString());

            assertThat(server.credentials()).containsExactlyInAnyOrder("Bearer file-token", "file-token");
        }
    }

    @Test
    @Timeout(60)
    void aTokenFromTheEnvironmentIsSentAndAnEmptyTokenFileIsRefused(@TempDir Path dir) throws Exception {
        try (TodosTestServer server = TodosTestServer.start();
             ChildProcess child = ChildJvm.mainClassOnCurrentClasspath(Main.class.getName()).name("loadtest-token")
                     .env("LOADTEST_TOKEN", "environment-token").logFile(dir.resolve("loadtest.log"))
                     .args("run", "--host", server.address(), "--users", "2", "--run-time", "1s",
                             "--wait-time", "constant:50ms")
                     .start()) {
            assertThat(child.waitFor(Duration.ofSeconds(50))).as(child.tail()).isZero();
            assertThat(server.credentials()).containsExactlyInAnyOrder("Bearer environment-token", "environment-token");
        }
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Outcome refused = execute("run", "--host", "127.0.0.1:8001", "--token-file", empty.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).startsWith("loadtest: --token-file " + empty + ": its first line is empty");
    }

    /** Runs the command line in this JVM and returns what it printed (the run prints to System.out). */
    private static String runCapturingOutput(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            int code = Main.execute(args, System.out, System.err);
            assertThat(code).as(console.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return console.toString(StandardCharsets.UTF_8);
    }
}
