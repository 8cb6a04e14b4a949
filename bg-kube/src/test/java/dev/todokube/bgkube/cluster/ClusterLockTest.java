package dev.todokube.bgkube.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.testing.FixedPortForwarder;
import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockApiServer;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ClusterLockTest {

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    private final List<String> log = new CopyOnWriteArrayList<>();

    /**
     * The record of an undo is written while the API server is away: the write must give up after its
     * own retries, so bg-kube says the undo could not start, while the renewal thread keeps trying to
     * renew the same lease every 100 ms (the fault matrix's outages last 10 s too).
     */
    @Test
    void aWriteDuringAnOutageEndsAfterItsOwnRetriesNotWithTheOutage() throws Exception {
        MockCluster mock = CLUSTER.cluster();
        KubernetesClient client = mock.newClient();
        KubeCluster cluster = new KubeCluster(client, MockCluster.NAMESPACE, new LocalPodExec(),
                new FixedPortForwarder("127.0.0.1:1"), log::add, Duration.ofMillis(100), Duration.ofSeconds(2),
                Clock.systemUTC());
        ClusterLock lock = cluster.lock("bg-kube-outage", "tester (pid 1)", Duration.ofMillis(300));
        MockApiServer.Outage down = mock.api().outage(Duration.ofSeconds(10));
        try {
            // Let renewals fail a few times first, as they do when a step fails on the same outage.
            Thread.sleep(1_000);

            assertThatThrownBy(() -> lock.annotate(Map.of("example/record", Optional.of("undoing"))))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("did not answer renew lease bg-kube-outage for 2s");
            assertThat(down.isOver()).as("the write gave up while the API server was still away").isFalse();
            assertThat(log).anySatisfy(line -> assertThat(line)
                    .startsWith("warning: could not renew lease bg-kube-outage (trying again in a third of its duration)"));
        } finally {
            down.end();
            lock.close();
            client.close();
        }
        assertThat(mock.client().leases().inNamespace(MockCluster.NAMESPACE).withName("bg-kube-outage").get()
                .getSpec().getHolderIdentity()).as("released once the API server is back").isNull();
    }
}
