package dev.todokube.experiment.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.testkit.process.ProjectJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken .env files and manifest templates given to the real bg-kube CLI ({@code publish --dry-run},
 * no cluster): each ends with exit code 2 and one clear line on stderr, never a stack trace.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BgKubeBadInputTest {

    private static final long SEED = 20_180_306L;
    private static final int CASES_PER_KIND = 9;
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at \\S+\\(|Exception in thread|^Caused by: ",
            Pattern.MULTILINE);
    private static final List<String> REQUIRED = List.of(
            "CLUSTER_NAME", "CLUSTER_ZONE", "IMAGE_NAME", "SERVICE_NAME", "SERVICE_CONFIG", "DEPLOYMENT_CONFIG");
    private static final String SERVICE = """
        apiVersion: v1
        kind: Service
        metadata:
          name: $SERVICE_NAME
        spec:
          selector:
            app: $SERVICE_NAME
            color: $COLOR
          ports:
            - port: 8001
        """;
    private static final String DEPLOYMENT = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ${SERVICE_NAME}-$COLOR
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: $SERVICE_NAME
              color: $COLOR
          template:
            metadata:
              labels:
                app: $SERVICE_NAME
                color: $COLOR
            spec:
              containers:
                - name: app
                  image: ${IMAGE_NAME}:$TAG
        """;
    private static final List<String> MALFORMED_YAML = List.of(
            "metadata: [unclosed\n",
            "kind: Deployment\n  spec: {a: 1\n",
            "apiVersion: v1\nkind: Service\nmetadata:\n\tname: tab\n",
            ": : :\n- - [\n",
            "key: \"unterminated\n",
            "a: 1\na: [1, 2\n",
            "{ \"apiVersion\": \"v1\", \"kind\": \n",
            "- item\nkey: value\n");

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);

    @Test
    void everyBrokenEnvFileOrTemplateGetsOneClearLineAndExitCode2() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES_PER_KIND; i++) {
            cases.add(garbageEnvFile(i));
            cases.add(missingRequiredKey(i));
            cases.add(unresolvedVariable(i));
            cases.add(malformedYaml(i));
            cases.add(missingTemplate(i));
            cases.add(invalidDuration(i));
        }

        Map<String, Integer> byKind = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (Case c : cases) {
                outcomes.add(pool.submit(() -> run(c)));
            }
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Outcome outcome = outcomes.get(i).get(60, TimeUnit.SECONDS);
                byKind.merge(c.kind(), 1, Integer::sum);
                String context = c.kind() + " (" + c.envFile() + "): exit " + outcome.exit() + ", stderr:\n" + outcome.stderr()
                        + "\nstdout:\n" + outcome.stdout();
                assertThat(outcome.exit()).as(context).isEqualTo(2);
                assertThat(STACK_TRACE.matcher(outcome.stderr() + outcome.stdout()).find()).as("stack trace in " + context)
                        .isFalse();
                List<String> lines = outcome.stderr().lines().filter(line -> !line.isBlank()).toList();
                assertThat(lines).as("error lines of " + context).hasSize(1);
                for (String mention : c.mentions()) {
                    assertThat(lines.get(0)).as("the error names what was wrong, in " + context).contains(mention);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("bg-kube bad-input cases by kind: " + byKind);
        assertThat(cases).as("bg-kube cases tried").hasSizeGreaterThanOrEqualTo(50);
    }

    private Case garbageEnvFile(int i) throws IOException {
        Path caseDir = caseDir("garbage", i);
        byte[] bytes = new byte[1 + random.nextInt(400)];
        random.nextBytes(bytes);
        Path env = Files.write(caseDir.resolve(".env"), bytes);
        return new Case("garbage .env", env, List.of(env.toString()));
    }

    private Case missingRequiredKey(int i) throws IOException {
        Path caseDir = caseDir("missing-key", i);
        String key = REQUIRED.get(random.nextInt(REQUIRED.size()));
        Map<String, String> env = validEnv(caseDir, DEPLOYMENT);
        env.remove(key);
        return new Case("missing required key", writeEnv(caseDir, env), List.of(key));
    }

    private Case unresolvedVariable(int i) throws IOException {
        Path caseDir = caseDir("unresolved", i);
        String variable = "UNDEFINED_" + Integer.toHexString(random.nextInt()).toUpperCase();
        List<String> lines = new ArrayList<>(DEPLOYMENT.lines().toList());
        int line = 1 + random.nextInt(lines.size() - 1);
        lines.set(line, lines.get(line) + (random.nextBoolean() ? " # $" + variable : " # ${" + variable + "}"));
        Map<String, String> env = validEnv(caseDir, String.join("\n", lines) + "\n");
        return new Case("unresolved variable", writeEnv(caseDir, env), List.of(variable, "deployment.yaml"));
    }

    private Case malformedYaml(int i) throws IOException {
        Path caseDir = caseDir("malformed", i);
        String broken = MALFORMED_YAML.get(i % MALFORMED_YAML.size());
        Map<String, String> env = validEnv(caseDir, random.nextBoolean() ? broken : DEPLOYMENT + "---\n" + broken);
        return new Case("malformed YAML", writeEnv(caseDir, env), List.of("deployment.yaml"));
    }

    private Case missingTemplate(int i) throws IOException {
        Path caseDir = caseDir("missing-template", i);
        Map<String, String> env = validEnv(caseDir, DEPLOYMENT);
        String missing = "absent-" + random.nextInt(1_000_000) + ".yaml";
        env.put(random.nextBoolean() ? "SERVICE_CONFIG" : "DEPLOYMENT_CONFIG", caseDir.resolve(missing).toString());
        return new Case("missing template file", writeEnv(caseDir, env), List.of(missing));
    }

    private Case invalidDuration(int i) throws IOException {
        Path caseDir = caseDir("duration", i);
        Map<String, String> env = validEnv(caseDir, DEPLOYMENT);
        String key = random.nextBoolean() ? "DEPLOYMENT_TIMEOUT" : "SERVICE_TIMEOUT";
        String value = List.of("abc", "-5s", "12parsecs", "1.5.3s", "s30").get(random.nextInt(5));
        env.put(key, value);
        return new Case("invalid duration", writeEnv(caseDir, env), List.of(key, value));
    }

    private Map<String, String> validEnv(Path caseDir, String deployment) throws IOException {
        Path service = Files.writeString(caseDir.resolve("service.yaml"), SERVICE);
        Path deploymentFile = Files.writeString(caseDir.resolve("deployment.yaml"), deployment);
        Map<String, String> env = new TreeMap<>();
        env.put("CLUSTER_NAME", "fuzz");
        env.put("CLUSTER_ZONE", "zone-a");
        env.put("IMAGE_NAME", "registry.local/todo-api");
        env.put("SERVICE_NAME", "todo-api");
        env.put("SERVICE_CONFIG", service.toString());
        env.put("DEPLOYMENT_CONFIG", deploymentFile.toString());
        env.put("CONTAINER_REGISTRY", "local");
        return env;
    }

    private Path writeEnv(Path caseDir, Map<String, String> env) throws IOException {
        StringBuilder text = new StringBuilder();
        env.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return Files.writeString(caseDir.resolve(".env"), text.toString());
    }

    private Path caseDir(String kind, int i) throws IOException {
        return Files.createDirectories(dir.resolve(kind + "-" + i));
    }

    private Outcome run(Case c) throws IOException, InterruptedException {
        Path out = c.envFile().resolveSibling("stdout.txt");
        Path err = c.envFile().resolveSibling("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", ProjectJars.bgKube().toString(),
                "--env-file", c.envFile().toString(), "publish", "--dry-run")
                .directory(c.envFile().getParent().toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // No cluster: a kubeconfig pointing at a closed loopback port, so nothing can reach a real one.
        builder.environment().put("KUBECONFIG", writeKubeconfig(c.envFile().getParent()).toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                throw new AssertionError(c.kind() + " (" + c.envFile() + "): bg-kube still running after 45 s");
            }
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static Path writeKubeconfig(Path caseDir) throws IOException {
        return Files.writeString(caseDir.resolve("kubeconfig"), """
            apiVersion: v1
            kind: Config
            clusters:
              - name: none
                cluster:
                  server: https://127.0.0.1:1
            contexts:
              - name: none
                context:
                  cluster: none
                  user: none
            current-context: none
            users:
              - name: none
                user:
                  token: none
            """);
    }

    /** One generated input: what kind of fault, the env file to pass, and what the error must name. */
    private record Case(String kind, Path envFile, List<String> mentions) {
    }

    private record Outcome(int exit, String stdout, String stderr) {
    }
}
