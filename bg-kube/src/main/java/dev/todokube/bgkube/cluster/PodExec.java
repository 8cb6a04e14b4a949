package dev.todokube.bgkube.cluster;

import java.time.Duration;
import java.util.List;

/**
 * Runs a command inside a container of a running pod, as {@code kubectl exec} does. Kept narrow
 * so the cluster operations do not depend on how the command reaches the pod.
 */
public interface PodExec {

    ExecResult exec(String namespace, String pod, String container, List<String> command, Duration timeout);

    /** Exit code and combined stdout+stderr of one command. */
    record ExecResult(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }
}
