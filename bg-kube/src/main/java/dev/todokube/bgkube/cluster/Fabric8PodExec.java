package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link PodExec} over the Kubernetes exec API (a websocket to the API server). */
public final class Fabric8PodExec implements PodExec {

    private final KubernetesClient client;

    public Fabric8PodExec(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public ExecResult exec(String namespace, String pod, String container, List<String> command, Duration timeout) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                .writingOutput(output)
                .writingError(output)
                .exec(command.toArray(String[]::new))) {
            Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ExecResult(code == null ? -1 : code, output.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            throw new ClusterException("command in pod " + pod + " did not finish within " + timeout.toSeconds()
                    + "s: " + String.join(" ", command) + " (raise --command-timeout, COMMAND_TIMEOUT)");
        } catch (ExecutionException e) {
            throw new ClusterException("cannot run command in pod " + pod + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while running a command in pod " + pod, e);
        }
    }
}
