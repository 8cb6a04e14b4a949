package dev.todokube.experiment;

import dev.todokube.testkit.mongo.MongoStandIn;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code experiment mongo-server}: an in-memory MongoDB (mongo-java-server) on 127.0.0.1 and an ephemeral
 * port, until killed. Its own process so that benchmarks can pin it to a core.
 */
@Command(name = "mongo-server", mixinStandardHelpOptions = true,
        description = "Serves an in-memory MongoDB on 127.0.0.1 (ephemeral port) until stopped; "
                + "prints 'mongo ready: uri=<uri>'.")
final class MongoServerCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new MongoServerCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        MongoStandIn.serveUntilStopped(System.out);
        return 0;
    }
}
