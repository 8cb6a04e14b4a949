package dev.todokube.experiment.rehearsal;

import dev.todokube.experiment.service.TodoApiLaunch;
import dev.todokube.testkit.process.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a pod's container starts: the command (inside the pod budget), the store's settings on top of
 * the pod template's environment, and a log file per container start.
 */
public record PodLauncher(TodoApiLaunch launch, Map<String, String> storeEnv, Path logs) {

    public PodLauncher {
        storeEnv = Map.copyOf(storeEnv);
    }

    ChildProcess start(String pod, int restart, Map<String, String> podEnv) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(podEnv);
        env.putAll(storeEnv);
        Path log = logs.resolve(restart == 0 ? pod + ".log" : pod + "-restart-" + restart + ".log");
        return ChildProcess.start(pod, launch.command(), env, null, log, null);
    }
}
