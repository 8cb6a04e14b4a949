package dev.todokube.loadtest.cli;

import dev.todokube.loadtest.locust.LocustWorker;
import dev.todokube.loadtest.locust.WorkerOutcome;
import dev.todokube.loadtest.locust.WorkerSettings;
import dev.todokube.loadtest.runner.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loadtest worker}: joins a Locust 2.x master and runs the users it dispatches until it says
 * quit. Exits 0 after quit or a stop signal, 1 if the worker failed.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Join a Locust 2.x master as a worker (Locust's own option names).")
final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--master-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Host of the Locust master (default: ${DEFAULT-VALUE}).")
    String masterHost;

    @Option(names = "--master-port", defaultValue = "5557", paramLabel = "PORT",
            description = "Port of the Locust master (default: ${DEFAULT-VALUE}).")
    int masterPort;

    @Option(names = "--host", paramLabel = "HOST:PORT[,...]",
            description = "Target when the master's spawn message has no host: HOST:PORT[,HOST:PORT...] or dns:///NAME:PORT.")
    String host;

    @Option(names = "--user-class", defaultValue = WorkerSettings.DEFAULT_USER_CLASS, paramLabel = "NAME",
            description = "The user class the master's locustfile declares (default: ${DEFAULT-VALUE}).")
    String userClass;

    @Mixin
    UserOptions userOptions;

    @Override
    public Integer call() throws InterruptedException {
        WorkerSettings settings;
        try {
            Optional<Target> target = host == null ? Optional.empty() : Optional.of(Target.parse(host));
            settings = WorkerSettings.of(masterHost, masterPort, target, userOptions.transport(),
                    userOptions.channelMode(), userOptions.profile()).withUserClass(userClass);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        LocustWorker worker = new LocustWorker(settings, Clock.systemUTC());
        Thread onSigterm = new Thread(worker::close, "loadtest-worker-shutdown");
        Runtime.getRuntime().addShutdownHook(onSigterm);
        worker.start();
        while (!worker.awaitTermination(Duration.ofDays(1))) {
            // A worker serves until its master says quit or the process is stopped.
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSigterm);
        } catch (IllegalStateException shuttingDown) {
            // Stopped by a signal: the hook closes the worker.
        }
        // A worker that failed must not look like one the master sent home.
        return worker.outcome().orElseThrow() instanceof WorkerOutcome.Failed ? 1 : 0;
    }
}
