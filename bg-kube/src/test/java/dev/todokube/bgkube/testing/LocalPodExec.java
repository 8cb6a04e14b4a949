package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cluster.PodExec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Test double of {@link PodExec}: the mock API server cannot run a process in a pod, so the
 * command runs here, as a real local process, and each call is recorded with its pod.
 */
public final class LocalPodExec implements PodExec {

    /** One exec call: where it was sent and what it ran. */
    public record Call(String namespace, String pod, String container, List<String> command, ExecResult result) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public ExecResult exec(String namespace, String pod, String container, List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("command did not finish: " + command);
            }
            ExecResult result = new ExecResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
            calls.add(new Call(namespace, pod, container, List.copyOf(command), result));
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
