package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.cluster.Fabric8PodExec;
import dev.todokube.bgkube.cluster.Fabric8PortForwarder;
import dev.todokube.bgkube.cluster.PodExec;
import dev.todokube.bgkube.cluster.PortForwarder;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Sleeper;
import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.process.ProcessCommandRunner;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the commands use from the outside world, passed in so tests can swap the cluster
 * connection, pod exec, port-forwarding, local commands and the clock.
 *
 * @param connect opens a client for the settings; {@code quick} asks for short timeouts and no
 *     retries (a dry run must not hang on an unreachable cluster)
 * @param jibCache Jib's layer cache directory; empty for Jib's default
 */
public record Toolbox(
        PrintStream out,
        PrintStream err,
        ClientFactory connect,
        Function<KubernetesClient, PodExec> podExec,
        Function<KubernetesClient, PortForwarder> portForwarder,
        CommandRunner commands,
        Sleeper sleeper,
        Clock clock,
        Duration pollInterval,
        Optional<Path> jibCache) {

    /** Opens a Kubernetes client for the settings. */
    @FunctionalInterface
    public interface ClientFactory {
        KubernetesClient connect(Settings settings, boolean quick);
    }

    public static Toolbox production(PrintStream out, PrintStream err) {
        return new Toolbox(out, err, Toolbox::kubeconfigClient, Fabric8PodExec::new, Fabric8PortForwarder::new,
                new ProcessCommandRunner(out::println), Sleeper.real(), Clock.systemUTC(), Duration.ofSeconds(1),
                Optional.empty());
    }

    /** A client configured as kubectl would be: KUBECONFIG or ~/.kube/config, in-cluster service account. */
    static KubernetesClient kubeconfigClient(Settings settings, boolean quick) {
        Config config = Config.autoConfigure(settings.kubeContext().orElse(null));
        if (settings.kubeContext().isPresent() && (config.getCurrentContext() == null
                || !settings.kubeContext().get().equals(config.getCurrentContext().getName()))) {
            throw new ConfigurationException("--kube-context: the kubeconfig has no context named "
                    + settings.kubeContext().get());
        }
        if (quick) {
            config.setConnectionTimeout(5_000);
            config.setRequestTimeout(5_000);
            config.setRequestRetryBackoffLimit(0);
        } else {
            // A few retries ride out a blip of the API server; fabric8's default of ten makes an
            // unreachable cluster take half a minute to report.
            config.setRequestRetryBackoffLimit(3);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
