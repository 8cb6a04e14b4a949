package dev.todokube.bgkube.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Jib builds pushed to a real registry (Debian's docker-registry on 127.0.0.1). */
@Timeout(120)
class JibBuilderTest {

    private static final String MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json,"
            + "application/vnd.docker.distribution.manifest.v2+json";

    @TempDir
    static Path shared;

    private static LocalRegistry registry;

    @TempDir
    Path dir;

    /** Jib logs from its step threads. */
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start(shared);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pushesARunnableJarFromScratchAndTheRegistryServesItsManifest() throws Exception {
        Path jar = runnableJar(dir.resolve("app.jar"));
        JibBuilder builder = builder(jar, Optional.empty(), Optional.empty(), "scratch");
        ImageRef image = new ImageRef(registry.host() + "/team/todo-api", "1764000000");

        builder.push(image);

        HttpResponse<String> manifest = registry.get("/v2/team/todo-api/manifests/1764000000", MANIFEST_TYPES);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).contains("\"layers\"");
        String config = blob("team/todo-api", configDigest(manifest.body()));
        assertThat(config).contains("\"Entrypoint\":[\"java\",\"-jar\",\"/app/app.jar\"]");
    }

    @Test
    void aLauncherBesideTheJarBecomesTheEntrypoint() throws Exception {
        JibBuilder builder = launched(runnableJar(dir.resolve("todo-api.jar")));
        ImageRef image = new ImageRef(registry.host() + "/team/launched", "1764000001");

        builder.push(image);

        HttpResponse<String> manifest = registry.get("/v2/team/launched/manifests/1764000001", MANIFEST_TYPES);
        assertThat(manifest.statusCode()).isEqualTo(200);
        String config = blob("team/launched", configDigest(manifest.body()));
        assertThat(config).contains("\"Entrypoint\":[\"/app/bin/todo-api\"]");
        assertThat(manifest.body()).as("the jar's layer and the launcher's").containsPattern("(?s)layers.*digest.*digest");
    }

    /**
     * The cache todo-api's build trains beside its jar goes into the image with the JVM that wrote
     * it, at the paths the launcher looks for, and the jar keeps its modification time: a cache maps
     * only in that JVM and beside that very jar (bench/README.md: the image without it starts like
     * TODO_API_CACHE=off).
     */
    @Test
    void aTrainedCacheBesideTheJarGoesInWithTheJvmThatWroteIt() throws Exception {
        Path jar = runnableJar(dir.resolve("todo-api.jar"));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-01T10:00:00Z")));
        Path java = Files.writeString(Files.createDirectories(dir.resolve("jdk/bin")).resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(Files.createDirectories(dir.resolve("jdk/lib")).resolve("modules"), "the JDK's classes");
        Files.writeString(dir.resolve("jdk/lib/src.zip"), "sources no JVM reads");
        Path aot = Files.writeString(dir.resolve("todo-api.aot"), "classes and profiles");
        Files.writeString(dir.resolve("todo-api.cache"), java + "\n-XX:AOTCache=" + aot
                + " --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0\n");
        JibBuilder builder = launched(jar);
        ImageRef image = new ImageRef(registry.host() + "/team/cached", "1");

        builder.build(image);

        Map<String, TarArchiveEntry> files = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        imageFiles(builder.tarball(image), files, texts);
        assertThat(files).containsKeys("app/todo-api.jar", "app/todo-api.aot", "app/jvm/bin/java", "app/jvm/lib/modules",
                "app/bin/todo-api").doesNotContainKey("app/jvm/lib/src.zip");
        assertThat(files.get("app/jvm/bin/java").getMode() & 0777).isEqualTo(0755);
        assertThat(files.get("app/todo-api.jar").getModTime().toInstant()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(texts.get("app/todo-api.cache")).isEqualTo("/app/jvm/bin/java\n-XX:AOTCache=/app/todo-api.aot"
                + " --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0\n");
        assertThat(files.get("app/todo-api.cache").getModTime()).as("newer than the jar, as the launcher wants it")
                .isAfter(files.get("app/todo-api.jar").getModTime());
        assertThat(log).anyMatch(line -> line.startsWith("jib: the image gets the trained cache " + aot));
    }

    @Test
    void withoutATrainedCacheTheImageSaysItStartsWithoutOne() throws Exception {
        JibBuilder builder = launched(runnableJar(dir.resolve("todo-api.jar")));
        ImageRef image = new ImageRef(registry.host() + "/team/uncached", "1");

        builder.build(image);

        Map<String, TarArchiveEntry> files = new HashMap<>();
        imageFiles(builder.tarball(image), files, new HashMap<>());
        assertThat(files).containsKeys("app/todo-api.jar", "app/bin/todo-api").doesNotContainKey("app/jvm/bin/java");
        assertThat(log).anyMatch(line -> line.startsWith("jib: the image has no class/AOT cache: no trained cache beside the jar"));
    }

    /** Every file of every layer of an image tarball (Jib's docker-load format), and the text of the small ones. */
    private static void imageFiles(Path tarball, Map<String, TarArchiveEntry> files, Map<String, String> texts) throws IOException {
        try (TarArchiveInputStream image = new TarArchiveInputStream(Files.newInputStream(tarball))) {
            for (TarArchiveEntry blob = image.getNextEntry(); blob != null; blob = image.getNextEntry()) {
                if (!blob.getName().endsWith(".tar.gz")) {
                    continue;
                }
                TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(image.readAllBytes())));
                for (TarArchiveEntry file = layer.getNextEntry(); file != null; file = layer.getNextEntry()) {
                    if (file.isFile()) {
                        String name = file.getName().replaceFirst("^/", "");
                        files.put(name, file);
                        if (file.getSize() < 4096) {
                            texts.put(name, new String(layer.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aLauncherNeedsARunnableJar() throws Exception {
        Files.createDirectories(dir.resolve("classes"));
        Path script = Files.writeString(dir.resolve("launcher"), "#!/bin/sh\n");

        assertThatThrownBy(() -> new JibBuilder(dir.resolve("classes"), Optional.empty(), Optional.of("dev.example.Main"),
                Optional.of(script), "scratch", Registries.resolve("any"), true, dir.resolve("out"), Optional.empty(), log::add))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--jib-launcher " + script + " needs --jib-app to be a runnable jar, not " + dir.resolve("classes"));
    }

    @Test
    void classesDirectoryOnABaseImagePulledFromTheRegistry() throws Exception {
        Path jar = runnableJar(dir.resolve("base.jar"));
        builder(jar, Optional.empty(), Optional.empty(), "scratch").push(new ImageRef(registry.host() + "/base/tiny", "1"));
        Path classes = Files.createDirectories(dir.resolve("classes/dev/example"));
        Files.write(classes.resolve("Main.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
        Path libs = Files.createDirectories(dir.resolve("libs"));
        runnableJar(libs.resolve("dependency.jar"));

        builder(dir.resolve("classes"), Optional.of(libs), Optional.of("dev.example.Main"), registry.host() + "/base/tiny:1")
                .push(new ImageRef(registry.host() + "/team/classes-app", "2"));

        HttpResponse<String> manifest = registry.get("/v2/team/classes-app/manifests/2", MANIFEST_TYPES);
        assertThat(manifest.statusCode()).isEqualTo(200);
        String config = blob("team/classes-app", configDigest(manifest.body()));
        assertThat(config).contains("dev.example.Main").contains("/app/libs/*");
    }

    @Test
    void buildWritesAnImageTarball() throws Exception {
        JibBuilder builder = builder(runnableJar(dir.resolve("app.jar")), Optional.empty(), Optional.empty(), "scratch");
        ImageRef image = new ImageRef(registry.host() + "/team/todo-api", "5");

        builder.build(image);

        Path tar = dir.resolve("out/todo-api-5.tar");
        assertThat(builder.tarball(image)).isEqualTo(tar);
        assertThat(Files.size(tar)).isPositive();
    }

    @Test
    void localRegistryPushesNothing() throws Exception {
        JibBuilder builder = new JibBuilder(runnableJar(dir.resolve("app.jar")), Optional.empty(), Optional.empty(), Optional.empty(),
                "scratch", Registries.resolve("local"), true, dir.resolve("out"), Optional.of(dir.resolve("cache")), log::add);

        builder.push(new ImageRef(registry.host() + "/team/never", "1"));

        assertThat(registry.get("/v2/team/never/manifests/1", MANIFEST_TYPES).statusCode()).isEqualTo(404);
        assertThat(log).anyMatch(line -> line.contains("nothing to push"));
    }

    @Test
    void unreachableRegistryIsAFailureWithTheImageName() throws Exception {
        JibBuilder builder = builder(runnableJar(dir.resolve("app.jar")), Optional.empty(), Optional.empty(), "scratch");

        assertThatThrownBy(() -> builder.push(new ImageRef("127.0.0.1:1/team/todo-api", "1")))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("jib: cannot build or push 127.0.0.1:1/team/todo-api:1");
    }

    @Test
    void classesDirectoryNeedsAMainClass() throws Exception {
        Files.createDirectories(dir.resolve("classes"));

        assertThatThrownBy(() -> builder(dir.resolve("classes"), Optional.empty(), Optional.empty(), "scratch"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("give --jib-main-class");
    }

    /** A builder of {@code jar} started by a launcher script named todo-api, from scratch. */
    private JibBuilder launched(Path jar) throws IOException {
        Path script = Files.writeString(dir.resolve("todo-api"), "#!/bin/sh\nexec java -jar \"$(dirname \"$0\")/../todo-api.jar\"\n");
        return new JibBuilder(jar, Optional.empty(), Optional.empty(), Optional.of(script), "scratch",
                Registries.resolve("any"), true, dir.resolve("out"), Optional.of(dir.resolve("cache")), log::add);
    }

    private JibBuilder builder(Path app, Optional<Path> libs, Optional<String> mainClass, String base) {
        return new JibBuilder(app, libs, mainClass, Optional.empty(), base, Registries.resolve("any"), true, dir.resolve("out"),
                Optional.of(dir.resolve("cache")), log::add);
    }

    private String blob(String name, String digest) throws Exception {
        HttpResponse<String> response = registry.get("/v2/" + name + "/blobs/" + digest, "*/*");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String configDigest(String manifest) {
        Matcher m = Pattern.compile("\"config\"\\s*:\\s*\\{[^}]*\"digest\"\\s*:\\s*\"([^\"]+)\"").matcher(manifest);
        assertThat(m.find()).as(manifest).isTrue();
        return m.group(1);
    }

    private static Path runnableJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.example.Main");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("dev/example/Main.class"));
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
            jar.closeEntry();
        }
        return file;
    }
}
