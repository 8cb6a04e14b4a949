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
 * its registry.
 */
public final class JibBuilder implements ImageBuilder {

    private static final String APP_DIR = "/app";
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
        return "jib: " + app + " on " + baseImage + " -> " + tarball(image);
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
        try {
            containerBuilder().containerize(containerizer);
        } catch (RegistryException | ExecutionException e) {
            throw new ClusterException("jib: cannot build or push " + image + ": " + rootMessage(e), e);
        } catch (IOException | CacheDirectoryCreationException | InvalidImageReferenceException e) {
            throw new ConfigurationException("jib: cannot build " + image + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("jib: interrupted while building " + image, e);
        } finally {
            finish(steps, image);
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

    private JibContainerBuilder containerBuilder() throws IOException, InvalidImageReferenceException {
        ImageReference base = "scratch".equals(baseImage) ? ImageReference.scratch() : ImageReference.parse(baseImage);
        if (Files.isRegularFile(app)) {
            String jarInImage = APP_DIR + "/" + app.getFileName();
            JibContainerBuilder container = Jib.from(base).addLayer(List.of(app), APP_DIR);
            if (launcher.isEmpty()) {
                return container.setEntrypoint("java", "-jar", jarInImage);
            }
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
