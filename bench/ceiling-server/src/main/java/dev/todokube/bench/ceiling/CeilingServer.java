package dev.todokube.bench.ceiling;

import dev.todokube.proto.Response;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark ceiling: a grpc-java server doing nothing but answering GetTodos with a prebuilt
 * Response. Whatever todo-api does beyond that (validation, store, metrics, auth) costs throughput
 * relative to this.
 */
@Command(name = "ceiling-server", mixinStandardHelpOptions = true,
        description = "Answers /grpc.Todos/GetTodos with a prebuilt Response of N todos; prints "
                + "'ceiling-server ready: grpc=<host>:<port> todos=<n> executor=<kind>'.")
public final class CeilingServer implements Callable<Integer> {

    /** Where call handlers run: on the transport thread, or grpc's default cached thread pool. */
    enum Executor { DIRECT, POOL }

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
    String host;

    // SERVER_PORT as todo-api and the Go original read it, so pod-budget.sh and article.sh can start this server too.
    @Option(names = "--port", defaultValue = "${env:SERVER_PORT:-0}",
            description = "Port; 0 = ephemeral (default: SERVER_PORT, else 0: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--todos", defaultValue = "10", description = "Todos in every Response (default: ${DEFAULT-VALUE})")
    int todos;

    @Option(names = "--executor", defaultValue = "DIRECT",
            description = "direct (handlers on the event loop) or pool (grpc's default executor) (default: direct)")
    Executor executor;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CeilingServer()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(new PrebuiltTodos(Todos.response(todos)));
        if (executor == Executor.DIRECT) {
            builder.directExecutor();
        }
        Server server = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ceiling-shutdown"));
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        System.out.println("ceiling-server ready: grpc=" + host + ":" + bound.getPort() + " todos=" + todos
                + " executor=" + executor.name().toLowerCase(Locale.ROOT));
        System.out.flush();
        server.awaitTermination();
        return 0;
    }

    /** The same shape of todos the benchmarks seed into todo-api. */
    static final class Todos {
        private Todos() {
        }

        static Response response(int count) {
            Response.Builder response = Response.newBuilder();
            for (int i = 0; i < count; i++) {
                response.addTodos(Response.Todo.newBuilder()
                        .setId(String.format("%024x", i + 1))
                        .setTitle("Benchmark todo number " + (i + 1))
                        .setTag("bench")
                        .setPriority(1 + i % 5));
            }
            return response.build();
        }
    }
}
