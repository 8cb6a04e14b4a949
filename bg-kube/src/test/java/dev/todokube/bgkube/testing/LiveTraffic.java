package dev.todokube.bgkube.testing;

import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import dev.todokube.testkit.todoapi.TodoApiProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Real users calling a todo-api process, as live traffic through the public Service would, while a publish watches. */
public final class LiveTraffic {

    private LiveTraffic() {}

    /** Two users, a call every 50 ms each, for at most a minute (closing the result stops them sooner). */
    public static ChildProcess start(Path dir, TodoApiProcess target) throws IOException {
        return start(dir, target, Duration.ofMinutes(1));
    }

    /** Two users, a call every 50 ms each, for at most {@code runTime}. */
    public static ChildProcess start(Path dir, TodoApiProcess target, Duration runTime) throws IOException {
        return ChildJvm.jar(ProjectJars.loadtest()).name("live-traffic").logFile(dir.resolve("live-traffic.log"))
                .args("run", "--host", target.grpcAddress(), "--users", "2", "--spawn-rate", "2", "--run-time",
                        runTime.toSeconds() + "s", "--wait-time", "constant:50ms")
                .start();
    }
}
