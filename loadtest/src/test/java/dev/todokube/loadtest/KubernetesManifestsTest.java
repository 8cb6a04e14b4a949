package dev.todokube.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load test's Kubernetes templates render with each env file (bg-kube's $VAR / ${VAR} rules,
 * plus TAG, COLOR and ENV_FILE), parse, and wire the workers to the master's Service.
 */
class KubernetesManifestsTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Set<String> BUILT_IN = Set.of("TAG", "COLOR", "ENV_FILE");

    @ParameterizedTest
    @ValueSource(strings = {".env.dev", ".env.prod"})
    void templatesRenderParseAndPointTheWorkersAtTheirColorsMaster(String envFile) throws IOException {
        Map<String, String> env = readEnv(MODULE.resolve(envFile));
        env.put("TAG", "1700000000");
        env.put("COLOR", "blue");
        env.put("ENV_FILE", envFile);

        Map<String, JsonNode> objects = new LinkedHashMap<>();
        try (Stream<Path> templates = Files.list(MODULE.resolve("kubernetes"))) {
            for (Path template : templates.sorted().toList()) {
                String rendered = render(Files.readString(template), env, template);
                try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(rendered)) {
                    for (JsonNode document : documents.readAll()) {
                        if (!document.isNull() && !document.isEmpty()) {
                            objects.put(document.get("kind").asText() + "/" + document.at("/metadata/name").asText(), document);
                        }
                    }
                }
            }
        }
        String colorMaster = env.get("SERVICE_NAME") + "-blue";
        assertThat(objects.keySet()).containsExactlyInAnyOrder("ConfigMap/locust-locustfile-blue",
                "Deployment/locust-master-blue", "Deployment/locust-worker-blue", "Service/" + env.get("SERVICE_NAME"),
                "Service/" + colorMaster);
        assertThat(objects.values()).allSatisfy(object ->
                assertThat(object.at("/metadata/labels/role").asText()).isEqualTo("load-tests"));

        JsonNode service = objects.get("Service/" + env.get("SERVICE_NAME"));
        assertThat(service.at("/spec/ports").findValuesAsText("port")).containsExactlyInAnyOrder("8089", "5557");
        JsonNode master = objects.get("Deployment/locust-master-blue");
        JsonNode masterLabels = master.at("/spec/template/metadata/labels");
        service.at("/spec/selector").properties().forEach(selector ->
                assertThat(masterLabels.get(selector.getKey()).asText()).as(selector.getKey()).isEqualTo(selector.getValue().asText()));
        JsonNode masterContainer = master.at("/spec/template/spec/containers/0");
        assertThat(masterContainer.get("image").asText()).startsWith("locustio/locust:");
        assertThat(texts(masterContainer.get("args"))).containsExactly("-f", "/mnt/locust/locustfile.py", "--master");

        JsonNode worker = objects.get("Deployment/locust-worker-blue");
        assertThat(worker.at("/spec/replicas").asInt()).isPositive();
        JsonNode workerContainer = worker.at("/spec/template/spec/containers/0");
        assertThat(workerContainer.get("image").asText()).isEqualTo(env.get("IMAGE_NAME") + ":1700000000");
        List<String> args = texts(workerContainer.get("args"));
        assertThat(args.get(0)).isEqualTo("worker");
        // The workers join their own color's master (not the public Service, which follows the live color).
        JsonNode workersService = objects.get("Service/" + colorMaster);
        assertThat(args.get(args.indexOf("--master-host") + 1)).isEqualTo(colorMaster);
        assertThat(workersService.at("/spec/ports").findValuesAsText("port")).containsExactly("5557");
        assertThat(workersService.at("/spec/selector/color").asText()).isEqualTo("blue");
        workersService.at("/spec/selector").properties().forEach(selector ->
                assertThat(masterLabels.get(selector.getKey()).asText()).as(selector.getKey()).isEqualTo(selector.getValue().asText()));
        assertThat(args.get(args.indexOf("--master-port") + 1)).isEqualTo("5557");
        assertThat(args.get(args.indexOf("--host") + 1)).endsWith(":8001");
        assertThat(worker.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();

        assertThat(objects.get("ConfigMap/locust-locustfile-blue").at("/data/locustfile.py").asText())
                .isEqualTo(Files.readString(MODULE.resolve("locustfile.py")));
    }

    @ParameterizedTest
    @ValueSource(strings = {".env.dev", ".env.prod"})
    void everyTemplateVariableIsDefinedInTheEnvFile(String envFile) throws IOException {
        Map<String, String> env = readEnv(MODULE.resolve(envFile));
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> templates = Files.list(MODULE.resolve("kubernetes"))) {
            for (Path template : templates.toList()) {
                Matcher matcher = VARIABLE.matcher(Files.readString(template).replace("$$", ""));
                while (matcher.find()) {
                    String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                    if (!env.containsKey(name) && !BUILT_IN.contains(name)) {
                        missing.add(template.getFileName() + ": " + name);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static String render(String template, Map<String, String> env, Path file) {
        StringBuilder out = new StringBuilder();
        Matcher matcher = VARIABLE.matcher(template.replace("$$", "\u0000"));
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = env.get(name);
            if (value == null) {
                throw new AssertionError(file + ": no value for $" + name);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString().replace("\u0000", "$");
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] keyValue = trimmed.split("=", 2);
            env.put(keyValue[0].trim(), keyValue.length == 2 ? keyValue[1].trim() : "");
        }
        return env;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }
}
