package dev.todokube.bgkube.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mock API server's request log, injected faults, held requests and outages, seen by a real fabric8 client. */
@Timeout(60)
class MockApiServerTest {

    private static final String NS = MockCluster.NAMESPACE;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    private MockCluster cluster;
    private MockApiServer api;
    /** A client that does not retry, so each fault reaches the test as it happened. */
    private KubernetesClient client;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        api = cluster.api();
        client = noRetries(Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private KubernetesClient noRetries(Duration requestTimeout) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(cluster.client().getConfiguration())
                .withRequestRetryBackoffLimit(0).withRequestTimeout((int) requestTimeout.toMillis()).build()).build();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
    }

    private CompletableFuture<ConfigMap> createInTheBackground(String name) {
        return CompletableFuture.supplyAsync(() -> client.configMaps().inNamespace(NS).resource(configMap(name)).create());
    }

    private ConfigMap stored(String name) {
        return cluster.client().configMaps().inNamespace(NS).withName(name).get();
    }

    @Test
    void everyRequestIsLoggedWithItsBodyWhenItIsAWrite() {
        client.configMaps().inNamespace(NS).resource(configMap("logged")).create();
        client.configMaps().inNamespace(NS).withName("logged").get();

        List<ApiRequest> requests = api.requests(RequestMatcher.any().path("/configmaps"));

        assertThat(requests).hasSize(2);
        ApiRequest create = requests.get(0);
        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.path()).isEqualTo("/api/v1/namespaces/" + NS + "/configmaps");
        assertThat(create.contentType()).startsWith("application/json");
        assertThat(create.userAgent()).startsWith("fabric8-kubernetes-client/");
        assertThat(create.body()).get(InstanceOfAssertFactories.STRING).contains("\"name\":\"logged\"");
        ApiRequest get = requests.get(1);
        assertThat(get.toString()).isEqualTo("GET /api/v1/namespaces/" + NS + "/configmaps/logged");
        assertThat(get.body()).isEmpty();
        assertThat(get.sequence()).isGreaterThan(create.sequence());
        assertThat(get.time()).isAfterOrEqualTo(create.time());
    }

    @ParameterizedTest
    @CsvSource({"500, InternalError", "409, Conflict", "403, Forbidden", "422, Invalid", "429, TooManyRequests",
            "503, ServiceUnavailable"})
    void anInjectedStatusIsAnsweredAndTheWriteIsNotApplied(int code, String reason) {
        InjectedFault fault = api.inject(FaultRule.on(RequestMatcher.writes().path("/configmaps"), Fault.status(code)));

        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).resource(configMap("refused")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getReason()).isEqualTo(reason);
                    assertThat(e.getStatus().getKind()).isEqualTo("Status");
                });

        assertThat(stored("refused")).isNull();
        assertThat(fault.hits()).singleElement().satisfies(hit -> assertThat(hit.method()).isEqualTo("POST"));
    }

    @Test
    void aForbiddenAnswerNamesTheVerbResourceAndNamespaceAsTheApiServerDoes() {
        client.configMaps().inNamespace(NS).resource(configMap("guarded")).create();
        api.inject(FaultRule.on(RequestMatcher.method("DELETE"), Fault.status(403)));

        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).withName("guarded").delete())
                .hasMessageContaining("configmaps \"guarded\" is forbidden: User \"mock-user\" cannot delete resource "
                        + "\"configmaps\" in API group \"\" in the namespace \"" + NS + "\"");
        assertThat(stored("guarded")).isNotNull();
    }

    @Test
    void aRuleStartsAtTheNthMatchingRequestAndLastsItsNumberOfTimes() {
        InjectedFault fault = api.inject(FaultRule.on(RequestMatcher.writes().path("/configmaps"), Fault.status(500))
                .nth(2).times(2));
        List<Boolean> created = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            try {
                client.configMaps().inNamespace(NS).resource(configMap("cm-" + i)).create();
                created.add(true);
            } catch (KubernetesClientException e) {
                created.add(false);
            }
        }

        assertThat(created).containsExactly(true, false, false, true);
        assertThat(fault.hits()).extracting(ApiRequest::body).map(body -> body.orElseThrow().contains("cm-2")
                || body.orElseThrow().contains("cm-3")).containsExactly(true, true);
    }

    @Test
    void everyRuleCountsTheRequestsItsMatcherPicksEvenThoseAnEarlierRuleTakes() {
        RequestMatcher creates = RequestMatcher.method("POST").path("/configmaps");
        api.inject(FaultRule.on(creates, Fault.status(500)));
        api.inject(FaultRule.on(creates, Fault.status(503)).nth(2));
        List<Integer> codes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try {
                client.configMaps().inNamespace(NS).resource(configMap("cm-" + i)).create();
                codes.add(201);
            } catch (KubernetesClientException e) {
                codes.add(e.getCode());
            }
        }

        assertThat(codes).containsExactly(500, 503, 201);
    }

    @Test
    void aJsonPatchBelowAMissingObjectIsRefusedAsTheApiServerRefusesIt() {
        client.configMaps().inNamespace(NS).resource(configMap("patched")).create();
        String addAnnotation = "[{\"op\":\"add\",\"path\":\"/metadata/annotations/a\",\"value\":\"1\"}]";

        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).withName("patched")
                .patch(PatchContext.of(PatchType.JSON), addAnnotation))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("add operation does not apply: doc is missing path: \"/metadata/annotations/a\"");
        assertThat(stored("patched").getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void fabric8RetriesAServerErrorSoASingleOneIsInvisibleToADefaultClient() {
        InjectedFault fault = api.inject(FaultRule.on(RequestMatcher.writes().path("/configmaps"), Fault.status(503)));

        cluster.client().configMaps().inNamespace(NS).resource(configMap("retried")).create();

        assertThat(fault.hits()).hasSize(1);
        assertThat(api.requests(RequestMatcher.method("POST").path("/configmaps"))).hasSize(2);
        assertThat(stored("retried")).isNotNull();
    }

    @Test
    void aSlowWriteIsAppliedAtOnceAndAnsweredLateSoAClientThatGivesUpSawAFailureOfAWriteThatHappened() throws Exception {
        InjectedFault slow = api.inject(FaultRule.on(RequestMatcher.writes().path("/configmaps"),
                Fault.slow(Duration.ofMinutes(1))));
        try (KubernetesClient impatient = noRetries(Duration.ofSeconds(5))) {
            CompletableFuture<ConfigMap> create = CompletableFuture.supplyAsync(
                    () -> impatient.configMaps().inNamespace(NS).resource(configMap("late")).create());

            slow.awaitHits(1, WAIT);

            assertThat(stored("late")).as("applied while its answer waits").isNotNull();
            assertThat(create).failsWithin(WAIT).withThrowableThat().withCauseInstanceOf(KubernetesClientException.class);
        }
    }

    @Test
    void aDroppedRequestClosesTheConnectionAndIsNotApplied() {
        InjectedFault fault = api.inject(FaultRule.on(RequestMatcher.writes().path("/configmaps"), Fault.drop()));

        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).resource(configMap("dropped")).create())
                .isInstanceOf(KubernetesClientException.class);

        assertThat(fault.hits()).hasSize(1);
        assertThat(stored("dropped")).isNull();
    }

    @Test
    void aHeldRequestWaitsWithoutBlockingOthersAndIsAppliedWhenReleased() throws Exception {
        InjectedFault hold = api.hold(RequestMatcher.writes().path("/configmaps"));
        CompletableFuture<ConfigMap> create = createInTheBackground("held");

        HeldRequest held = hold.awaitHeld(WAIT);

        assertThat(held.request().method()).isEqualTo("POST");
        assertThat(stored("held")).as("not applied while held").isNull();
        // Every other request is answered meanwhile: the held one blocks no event loop.
        for (int i = 0; i < 8; i++) {
            assertThat(cluster.client().configMaps().inNamespace(NS).list().getItems()).isEmpty();
        }
        assertThat(create).isNotDone();
        assertThat(held.release()).isEqualTo(201);
        assertThat(create.get(10, TimeUnit.SECONDS).getMetadata().getName()).isEqualTo("held");
        assertThat(stored("held")).isNotNull();
    }

    @Test
    void anAbandonedRequestIsNeverAppliedAndItsClientSeesTheConnectionGo() throws Exception {
        InjectedFault hold = api.hold(RequestMatcher.writes().path("/configmaps"));
        CompletableFuture<ConfigMap> create = createInTheBackground("abandoned");

        hold.awaitHeld(WAIT).abandon();

        assertThat(create).failsWithin(WAIT).withThrowableThat().withCauseInstanceOf(KubernetesClientException.class);
        assertThat(stored("abandoned")).isNull();
    }

    @Test
    void anOutageRefusesConnectionsThenTheSameServerComesBackOnTheSamePortWithTheSameObjects() throws Exception {
        client.configMaps().inNamespace(NS).resource(configMap("kept")).create();
        int port = api.port();

        MockApiServer.Outage outage = api.outage(Duration.ofMinutes(1));

        assertThat(api.isUp()).isFalse();
        // A pooled connection was closed under its client (which may still try it once); a new one is refused.
        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).withName("kept").get())
                .isInstanceOf(KubernetesClientException.class);
        try (KubernetesClient fresh = noRetries(Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> fresh.configMaps().inNamespace(NS).withName("kept").get())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(rootCause(e)).isInstanceOf(ConnectException.class));
        }
        outage.end();
        assertThat(api.port()).isEqualTo(port);
        assertThat(client.configMaps().inNamespace(NS).withName("kept").get().getData()).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void anOutageEndsByItselfAfterItsDuration() throws Exception {
        api.outage(Duration.ofMillis(200)).awaitOver(WAIT);

        assertThat(api.isUp()).isTrue();
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
