package dev.todokube.bgkube.image;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JavaContainerBuilder;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds images for Java applications without a Docker daemon, with Jib: a runnable jar (run
 * with {@code java -jar}) or a classes directory plus dependency jars and a main class, on a base
 * image. {@link #build} writes an image tarball (loadable with {@code docker load},
 * {@code kind load image-archive} or {@code minikube image load}); {@link #push} sends the image to
 * its registry. A jar started by a launcher gets the class/AOT cache its build trained beside it
 * ({@link TrainedCache}), with the JVM that wrote the cache under {@code /app/jvm}: Jib runs nothing,
 * so it cannot train one with the base image's JVM, and a cache maps only in the JVM that wrote it.
 */
public final class JibBuilder implements ImageBuilder {

    private static final String APP_DIR = "/app";
    private static final String JVM_DIR = APP_DIR + "/jvm";
    /** Parts of a JDK that no running JVM reads: sources, C headers, manual pages, samples. */
    private static final List<String> NOT_FOR_RUNNING = List.of("lib/src.zip", "include", "man", "demo", "sample", "jmods");
    /** How long the build steps still running after a failure may take to finish before they are cancelled. */
    private static final long STEPS_FINISH_TIMEOUT_SECONDS = 60;

    private final Path app;
    private final Optional<Path> libs;
    private final Optional<String> mainClass;
    private final Optional<Path> launcher;
    private final String baseImage;
    private final ContainerRegistry registry;
    private final boolean allowInsecureRegistries;
    private final Path outputDirectory;
    private final Optional<Path> cacheDirectory;
    private final Consumer<String> log;

    /**
     * @param outputDirectory where {@link #build} writes {@code <name>-<tag>.tar}
     * @param cacheDirectory Jib's layer cache; empty for Jib's default under the user's home
     */
    public JibBuilder(Path app, Optional<Path> libs, Optional<String> mainClass, Optional<Path> launcher,
            String baseImage, ContainerRegistry registry, boolean allowInsecureRegistries, Path outputDirectory,
            Optional<Path> cacheDirectory, Consumer<String> log) {
        this.app = app;
        this.libs = libs;
        this.mainClass = mainClass;
        this.launcher = launcher;
        this.baseImage = baseImage;
        this.registry = registry;
        this.allowInsecureRegistries = allowInsecureRegistries;
        this.outputDirectory = outputDirectory;
        this.cacheDirectory = cacheDirectory;
        this.log = log;
        if (Files.isDirectory(app) && mainClass.isEmpty()) {
            throw new ConfigurationException("--jib-app " + app + " is a classes directory: give --jib-main-class");
        }
        if (!Files.exists(app)) {
            throw new ConfigurationException("--jib-app " + app + " does not exist");
        }
        if (launcher.isPresent() && !Files.isRegularFile(app)) {
            throw new ConfigurationException("--jib-launcher " + launcher.get() + " needs --jib-app to be a runnable jar, not "
                    + app);
        }
        if (launcher.isPresent() && !Files.isRegularFile(launcher.get())) {
            throw new ConfigurationException("--jib-launcher " + launcher.get() + " does not exist");
        }
    }

    /** The tarball {@link #build} writes for an image. */
    public Path tarball(ImageRef image) {
        String name = image.repository().substring(image.repository().lastIndexOf('/') + 1);
        return outputDirectory.resolve(name + "-" + image.tag() + ".tar");
    }

    @Override
    public void build(ImageRef image) {
        Path tar = tarball(image);
        log.accept("building " + image + " with Jib into " + tar);
        try {
            Files.createDirectories(outputDirectory);
            containerize(Containerizer.to(TarImage.at(tar).named(image.toString())), image);
        } catch (IOException | InvalidImageReferenceException e) {
            throw new ConfigurationException("jib: cannot build " + image + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void push(ImageRef image) {
        if (!registry.needsPush()) {
            log.accept("registry is local: nothing to push (load " + tarball(image) + " into the cluster's nodes)");
            return;
        }
        log.accept("pushing " + image + " with Jib");
        try {
            ImageReference reference = ImageReference.parse(image.toString());
            RegistryImage target = RegistryImage.named(reference);
            CredentialRetrieverFactory credentials = CredentialRetrieverFactory.forImage(reference, this::jibLog);
            registry.credentialHelper().ifPresent(helper -> target.addCredentialRetriever(
                    credentials.dockerCredentialHelper(helper)));
            target.addCredentialRetriever(credentials.dockerConfig());
            containerize(Containerizer.to(target), image);
        } catch (InvalidImageReferenceException e) {
            throw new ConfigurationException("invalid image name " + image + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describeBuild(ImageRef image) {
        String cache = "";
        if (launcher.isPresent()) {
            try {
                cache = TrainedCache.beside(app, new ArrayList<>())
                        .map(trained -> " with its trained cache and the JVM that wrote it (" + trained.javaHome() + ")")
                        .orElse(" without a trained cache");
            } catch (IOException e) {
                cache = " (its trained cache unreadable: " + e.getMessage() + ")";
            }
        }
        return "jib: " + app + cache + " on " + baseImage + " -> " + tarball(image);
    }

    @Override
    public String describePush(ImageRef image) {
        return registry.needsPush() ? "jib: push " + image : "nothing to push (local registry)";
    }

    private void containerize(Containerizer containerizer, ImageRef image) {
        // Jib's own executor is only shut down, not awaited: when one step fails (a push), others
        // (writing layers to the cache) would go on after this returns. With ours, nothing does.
        ExecutorService steps = Executors.newCachedThreadPool();
        containerizer.setToolName("bg-kube").setAllowInsecureRegistries(allowInsecureRegistries)
                .setExecutorService(steps);
        cacheDirectory.ifPresent(dir -> containerizer.setBaseImageLayersCache(dir.resolve("base"))
                .setApplicationLayersCache(dir.resolve("application")));
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("bg-kube-jib");
            containerBuilder(scratch).containerize(containerizer);
        } catch (RegistryException | ExecutionException e) {
            throw new ClusterException("jib: cannot build or push " + image + ": " + rootMessage(e), e);
        } catch (IOException | CacheDirectoryCreationException | InvalidImageReferenceException e) {
            throw new ConfigurationException("jib: cannot build " + image + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("jib: interrupted while building " + image, e);
        } finally {
            finish(steps, image);
            deleteQuietly(scratch);
        }
    }

    private static void deleteQuietly(Path scratch) {
        if (scratch == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A temporary directory left behind; nothing depends on it.
        }
    }

    private void finish(ExecutorService steps, ImageRef image) {
        steps.shutdown();
        try {
            if (!steps.awaitTermination(STEPS_FINISH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                steps.shutdownNow();
                log.accept("jib: steps for " + image + " still running after " + STEPS_FINISH_TIMEOUT_SECONDS
                        + " s; cancelled");
            }
        } catch (InterruptedException e) {
            steps.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** @param scratch a directory for files made for the image only (the cache descriptor) */
    private JibContainerBuilder containerBuilder(Path scratch) throws IOException, InvalidImageReferenceException {
        ImageReference base = "scratch".equals(baseImage) ? ImageReference.scratch() : ImageReference.parse(baseImage);
        if (Files.isRegularFile(app)) {
            String jarInImage = APP_DIR + "/" + app.getFileName();
            if (launcher.isEmpty()) {
                return Jib.from(base).addLayer(List.of(app), APP_DIR).setEntrypoint("java", "-jar", jarInImage);
            }
            // The jar keeps its modification time: a trained cache maps only beside the very jar it was trained with.
            JibContainerBuilder container = Jib.from(base).addFileEntriesLayer(FileEntriesLayer.builder().setName("app")
                    .addEntry(app, AbsoluteUnixPath.get(jarInImage), FilePermissions.DEFAULT_FILE_PERMISSIONS, modified(app))
                    .build());
            addTrainedCache(container, scratch);
            // The launcher finds the jar as ../<jar> from its own directory.
            AbsoluteUnixPath script = AbsoluteUnixPath.get(APP_DIR + "/bin/" + launcher.get().getFileName());
            return container.addFileEntriesLayer(FileEntriesLayer.builder().setName("launcher")
                            .addEntry(launcher.get(), script, FilePermissions.fromOctalString("755")).build())
                    .setEntrypoint(script.toString());
        }
        JavaContainerBuilder java = JavaContainerBuilder.from(base).addClasses(app);
        if (libs.isPresent()) {
            try (Stream<Path> jars = Files.list(libs.get())) {
                java.addDependencies(jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
            }
        }
        return java.setMainClass(mainClass.orElseThrow()).toContainerBuilder();
    }

    /**
     * The cache, its descriptor (naming the JVM and the cache at their image paths) and the JVM
     * that wrote it, as the launcher expects them beside the jar; or, without one, a line saying
     * the image starts without a cache.
     */
    private void addTrainedCache(JibContainerBuilder container, Path scratch) throws IOException {
        List<String> why = new ArrayList<>();
        Optional<TrainedCache> found = TrainedCache.beside(app, why);
        if (found.isEmpty()) {
            log.accept("jib: the image has no class/AOT cache: " + String.join("; ", why)
                    + "; it starts as with TODO_API_CACHE=off (bench/README.md, \"Pod budget\")");
            return;
        }
        TrainedCache cache = found.get();
        FileEntriesLayer.Builder jvm = FileEntriesLayer.builder().setName("jvm");
        try (Stream<Path> files = Files.walk(cache.javaHome())) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = cache.javaHome().relativize(file);
                if (NOT_FOR_RUNNING.stream().noneMatch(part -> relative.startsWith(part))) {
                    jvm.addEntry(file, AbsoluteUnixPath.get(JVM_DIR + "/" + relative.toString().replace('\\', '/')),
                            permissions(file), modified(file));
                }
            }
        }
        String cacheInImage = APP_DIR + "/" + cache.cacheFile().getFileName();
        Path descriptor = Files.writeString(scratch.resolve(cache.descriptor().getFileName()),
                cache.descriptorIn(JVM_DIR + "/bin/java", cacheInImage));
        container.addFileEntriesLayer(jvm.build())
                .addFileEntriesLayer(FileEntriesLayer.builder().setName("cache")
                        .addEntry(cache.cacheFile(), AbsoluteUnixPath.get(cacheInImage),
                                FilePermissions.DEFAULT_FILE_PERMISSIONS, modified(cache.cacheFile()))
                        .addEntry(descriptor, AbsoluteUnixPath.get(APP_DIR + "/" + cache.descriptor().getFileName()),
                                FilePermissions.DEFAULT_FILE_PERMISSIONS, modified(cache.descriptor()))
                        .build());
        log.accept("jib: the image gets the trained cache " + cache.cacheFile() + " and the JVM that wrote it ("
                + cache.javaHome() + ") under " + JVM_DIR);
    }

    private static Instant modified(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toInstant();
    }

    private static FilePermissions permissions(Path file) throws IOException {
        try {
            return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException e) {
            return Files.isExecutable(file) ? FilePermissions.fromOctalString("755") : FilePermissions.DEFAULT_FILE_PERMISSIONS;
        }
    }

    private void jibLog(LogEvent event) {
        if (event.getLevel() == LogEvent.Level.ERROR || event.getLevel() == LogEvent.Level.WARN) {
            log.accept("jib: " + event.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
