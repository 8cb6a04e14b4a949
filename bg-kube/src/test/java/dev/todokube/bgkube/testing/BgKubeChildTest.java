package dev.todokube.bgkube.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** bg-kube as its own process against the mock cluster: a command run to its end, and signals landing mid-request. */
@Timeout(120)
class BgKubeChildTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    @TempDir
    Path dir;

    private MockCluster cluster;
    private TestProject project;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        project = new TestProject(dir);
    }

    @Test
    void aCommandRunsToItsEndConnectedAsAUsersBgKubeIsThroughTheKubeconfig() throws Exception {
        // A public Service that selects blue (bg-kube's status fails on a namespace without one: see the report).
        cluster.client().services().inNamespace(MockCluster.NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName("todo-api").endMetadata().withNewSpec()
                .addToSelector(Map.of("app", "todo-api", "color", "blue")).addNewPort().withPort(8001).endPort()
                .endSpec().build()).create();

        try (BgKubeChild status = project.startChild(cluster, "status", "status")) {
            String line = status.awaitLine(Pattern.compile("^service todo-api.*"), WAIT).group();

            assertThat(status.awaitExit(WAIT)).as(status.err()).isZero();
            assertThat(line).isEqualTo("service todo-api in namespace " + MockCluster.NAMESPACE + ": active color blue");
            assertThat(status.out()).contains("todo-api-blue (absent)");
            assertThat(status.err()).isEmpty();
        }
        assertThat(cluster.api().requests(RequestMatcher.method("GET").path("/services/todo-api$")))
                .as("read over the mock server's port, as the kubeconfig says").isNotEmpty();
    }

    /** How the test stops the child mid-request, and the exit code that gives. */
    enum Stop {
        SIGINT(BgKubeChild::interrupt, 130), SIGTERM(BgKubeChild::terminate, 143), SIGKILL(BgKubeChild::kill, 137);

        private final Consumer<BgKubeChild> action;
        private final int exitCode;

        Stop(Consumer<BgKubeChild> action, int exitCode) {
            this.action = action;
            this.exitCode = exitCode;
        }
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void stoppedWhileARequestIsHeldItExitsAtOnceAndTheRequestIsNeverAnswered(Stop stop) throws Exception {
        InjectedFault hold = cluster.api().hold(RequestMatcher.method("GET").path("/services/todo-api$"));
        try (BgKubeChild status = project.startChild(cluster, "status-" + stop, "status")) {
            HeldRequest held = hold.awaitHeld(WAIT);

            stop.action.accept(status);

            assertThat(status.awaitExit(WAIT)).isEqualTo(stop.exitCode);
            assertThat(status.isAlive()).isFalse();
            assertThat(status.out()).as("status printed nothing: it never got its answer").isEmpty();
            assertThat(held.request().userAgent()).startsWith("fabric8-kubernetes-client/");
        }
    }
}
