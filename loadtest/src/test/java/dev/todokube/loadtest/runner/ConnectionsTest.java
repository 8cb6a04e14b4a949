package dev.todokube.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.proto.Request;
import dev.todokube.proto.TodosGrpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many connections the users' channels open, and to which servers. */
class ConnectionsTest {

    @Test
    void connectionPerUserGivesEachUserOneConnectionToOneServerSpreadOverTheServers() throws Exception {
        try (TodosTestServer a = TodosTestServer.start(); TodosTestServer b = TodosTestServer.start()) {
            callOncePerUser(4, "connection-per-user", a, b);

            assertThat(a.connectionsAccepted().size()).isEqualTo(2);
            assertThat(b.connectionsAccepted().size()).isEqualTo(2);
            assertThat(a.calls("GetTodos")).isEqualTo(2);
            assertThat(b.calls("GetTodos")).isEqualTo(2);
        }
    }

    @Test
    void perUserGivesEachUserAConnectionToEveryServer() throws Exception {
        try (TodosTestServer a = TodosTestServer.start(); TodosTestServer b = TodosTestServer.start()) {
            callOncePerUser(4, "per-user", a, b);

            assertThat(a.connectionsAccepted().size()).isEqualTo(4);
            assertThat(b.connectionsAccepted().size()).isEqualTo(4);
        }
    }

    /** Each user's channel makes one GetTodos call, so every connection it opens is ready. */
    private static void callOncePerUser(int users, String mode, TodosTestServer a, TodosTestServer b) throws Exception {
        Target target = Target.parse(a.address() + "," + b.address());
        List<ManagedChannel> channels = new ArrayList<>();
        try (Connections connections = new Connections(target, Transport.plaintext(), ChannelMode.parse(mode))) {
            for (int user = 0; user < users; user++) {
                ManagedChannel channel = connections.acquire(user);
                channels.add(channel);
                TodosGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).getTodos(Request.getDefaultInstance());
            }
            if (mode.equals("per-user")) {
                // round_robin connects to every address; wait until each server has seen each user.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((a.connectionsAccepted().size() < users || b.connectionsAccepted().size() < users) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }
}
