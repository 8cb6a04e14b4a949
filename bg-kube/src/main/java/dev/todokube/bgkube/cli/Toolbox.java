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
import dev.todokube.bgkube.process.StopSignal;
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
 * connection, pod exec, port-forwarding, local commands, the clock and the timings.
 *
 * @param connect opens a client for the settings; {@code quick} asks for short timeouts and no
 *     retries (a dry run must not hang on an unreachable cluster)
 * @param jibCache Jib's layer cache directory; empty for Jib's default
 * @param stop how a SIGINT or SIGTERM reaches the running command
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
        Timing timing,
        Optional<Path> jibCache,
        StopSignal stop) {

    /**
     * @param pollInterval between two looks at an awaited object
     * @param apiRetryWindow how long a call is repeated while the API server does not answer
     * @param leaseDuration how long a release's lease lasts unrenewed (renewed every third of it)
     */
    public record Timing(Duration pollInterval, Duration apiRetryWindow, Duration leaseDuration) {

        /** 1 s polls; the API server's blips ridden out for a minute (a control-plane upgrade); a 60 s lease. */
        public static Timing production() {
            return new Timing(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60));
        }
    }

    /** Opens a Kubernetes client for the settings. */
    @FunctionalInterface
    public interface ClientFactory {
        KubernetesClient connect(Settings settings, boolean quick);
    }

    public static Toolbox production(PrintStream out, PrintStream err) {
        return new Toolbox(out, err, Toolbox::kubeconfigClient, Fabric8PodExec::new, Fabric8PortForwarder::new,
                new ProcessCommandRunner(out::println), Sleeper.real(), Clock.systemUTC(), Timing.production(),
                Optional.empty(), new StopSignal());
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
            // bg-kube repeats what the API server did not answer itself, for every call alike (ApiCalls).
            config.setRequestRetryBackoffLimit(0);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
