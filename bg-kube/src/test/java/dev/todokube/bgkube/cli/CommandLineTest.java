package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.template.Manifests;
import dev.todokube.bgkube.template.Template;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Options, exit codes, template errors and --dry-run through the command line. */
@Timeout(60)
class CommandLineTest {

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
    void dryRunPrintsManifestsAndPlanAndChangesNothing() {
        TestProject.Run run = project.run(cluster, "publish", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("name: todo-api-blue")
                .contains("image: registry.example/team/todo-api:" + TestProject.NOW)
                .contains("name: todo-api-seed")
                .contains("# cluster test-cluster (europe-west1-b)\n# publish registry.example/team/todo-api:" + TestProject.NOW
                        + " as blue (first publish: no public Service yet)")
                .contains("#   1. build registry.example/team/todo-api:" + TestProject.NOW + ": docker build . -f ./Dockerfile")
                .contains("seed (first publish): run job todo-api-seed")
                .contains("# dry run: nothing was built, pushed or changed");
        assertNothingCreated();
        assertThat(project.commands().commands()).isEmpty();
    }

    @Test
    void dryRunOfASecondPublishReadsTheLiveColor() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        int objectsBefore = objectCount();

        TestProject.Run run = project.run(cluster, "publish", "--dry-run", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("as green (live: blue)").contains("migrate: in a ready pod of todo-api-green")
                .contains("name: todo-api-green").doesNotContain("name: todo-api-seed");
        assertThat(objectCount()).isEqualTo(objectsBefore);
        assertThat(cluster.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName("todo-api-green").get())
                .isNull();
    }

    @Test
    void dryRunWorksWithNoClusterReachable() {
        TestProject.Run run = project.runUnreachable("publish", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("# cluster not reachable (").contains("planning as a first publish")
                .contains("as blue (first publish");
    }

    @Test
    void dryRunReportsAForbiddenAnswerAsWhatItIs() {
        KubernetesMockServer forbidding = new KubernetesMockServer(false);
        forbidding.init();
        try {
            forbidding.expect().get().withPath("/api/v1/namespaces/" + MockCluster.NAMESPACE + "/services/todo-api")
                    .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                            .withMessage("services \"todo-api\" is forbidden: User \"ci\" cannot get resource \"services\"")
                            .build())
                    .always();

            TestProject.Run run = project.runAgainst(forbidding::createClient, "publish", "--dry-run");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).contains("services \"todo-api\" is forbidden: User \"ci\" cannot get resource")
                    .contains("(HTTP 403)");
            assertThat(run.out() + run.err()).doesNotContain("not reachable").doesNotContain("planning as a first publish");
        } finally {
            forbidding.destroy();
        }
    }

    @Test
    void dryRunReportsAServiceThatSelectsNeitherColor() {
        cluster.client().services().inNamespace(MockCluster.NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName("todo-api").endMetadata()
                .withNewSpec().addToSelector("app", "todo-api").addToSelector("color", "purple")
                .addNewPort().withPort(8001).endPort().endSpec().build()).create();

        TestProject.Run run = project.run(cluster, "publish", "--dry-run");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("service todo-api selects {").contains("color=purple")
                .contains("which is neither").contains("fix it by hand before publishing");
        assertThat(run.out()).doesNotContain("not reachable");
    }

    @Test
    void rollbackDryRunChangesNothing() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "rollback", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("# rollback: point service todo-api from green to blue");
        assertThat(cluster.client().services().inNamespace(MockCluster.NAMESPACE).withName("todo-api").get()
                .getSpec().getSelector()).containsEntry("color", "green");
    }

    @Test
    void unresolvedVariableNamesItsFileAndLineAndStopsBeforeAnything() {
        project.writeFile("service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: $SERVICE_NAME\n"
                + "spec:\n  selector: {color: $COLOR, tier: $TIER}\n");

        TestProject.Run run = project.run(cluster, "publish");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("bg-kube: template " + project.file("service.yaml")
                + ": line 6: variable TIER has no value\n");
        assertThat(project.commands().commands()).as("nothing built").isEmpty();
        assertNothingCreated();
    }

    @Test
    void templateErrorFailsADryRunWithoutACluster() {
        project.writeFile("hpa.yaml", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n"
                + "spec: {maxReplicas: ten}\n");

        TestProject.Run run = project.runUnreachable("publish", "--dry-run");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(project.file("hpa.yaml") + " (document starting at line 1): not a valid Kubernetes object");
    }

    @Test
    void controlCharactersCannotSplitTheErrorLine() {
        TestProject.Run run = project.run(cluster, "--builder", "dock\rer\nx", "publish", "--dry-run");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString()
                .isEqualTo("bg-kube: --builder: invalid value 'dock\\u000der | x' (from --builder): expected docker or jib");
    }

    @Test
    void deployingAnExistingTagNeedsNothingToBuildFrom() {
        project.set("BUILDER", "jib").set("JIB_APP", project.file("not-built.jar"));

        TestProject.Run existingTag = project.run(cluster, "publish", "--dry-run", "--tag", "9");
        TestProject.Run build = project.run(cluster, "publish", "--dry-run");

        assertThat(existingTag.exitCode()).as(existingTag.err()).isZero();
        assertThat(existingTag.out()).contains("#   1. deploy blue").doesNotContain(". build ");
        assertThat(build.exitCode()).isEqualTo(2);
        assertThat(build.err()).isEqualTo("bg-kube: --jib-app " + project.file("not-built.jar") + " does not exist\n");
    }

    @Test
    void missingRequiredOptionsAreListedInOneMessage() {
        project.remove("CLUSTER_ZONE").remove("IMAGE_NAME");

        TestProject.Run run = project.run(cluster, "publish");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("bg-kube: missing required options: --cluster-zone (CLUSTER_ZONE), "
                + "--image-name (IMAGE_NAME); give them as flags or in " + project.file(".env.test"));
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void flagWinsOverTheEnvFileAlsoInTemplates() {
        TestProject.Run run = project.run(cluster, "--service-name", "other-api", "publish", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("name: other-api-blue").doesNotContain("name: todo-api-blue");
    }

    @Test
    void optionsMayFollowTheCommandAsWithTheOriginal() {
        TestProject.Run run = project.runExactly(cluster, "publish", "--env-file", project.file(".env.test"), "--dry-run",
                "--service-name", "after-api");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("name: after-api-blue");
    }

    @Test
    void aGarbageEnvFileIsOneLineNamingTheFile() throws Exception {
        Path binary = dir.resolve("binary.env");
        Files.write(binary, new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, 0x0A});
        Path malformed = dir.resolve("malformed.env");
        Files.writeString(malformed, "A=1\n\u0001\u0002 bad line\n");

        TestProject.Run notText = project.runExactly(cluster, "--env-file", binary.toString(), "publish", "--dry-run");
        TestProject.Run badLine = project.runExactly(cluster, "--env-file", malformed.toString(), "publish", "--dry-run");

        assertThat(notText.exitCode()).isEqualTo(2);
        assertThat(notText.err()).isEqualTo("bg-kube: env file " + binary + " is not UTF-8 text\n");
        assertThat(badLine.exitCode()).isEqualTo(2);
        assertThat(badLine.err()).isEqualTo("bg-kube: env file " + malformed + ": Malformed entry \\u0001\\u0002 bad line\n");
    }

    @Test
    void invalidValueNamesTheOptionAndWhereItCameFrom() {
        project.set("DEPLOYMENT_TIMEOUT", "soon");

        TestProject.Run run = project.run(cluster, "status");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("bg-kube: --deployment-timeout: invalid value 'soon' (from DEPLOYMENT_TIMEOUT in "
                + project.file(".env.test") + "): expected a duration such as 120, 120s, 2m or 500ms\n");
    }

    @Test
    void usageErrorsExitWithTwo() {
        TestProject.Run unknownOption = project.run(cluster, "--no-such-option", "publish");
        TestProject.Run unknownCommand = project.run(cluster, "deploy");
        TestProject.Run pushWithoutTag = project.run(cluster, "push");
        TestProject.Run pushTwoTags = project.run(cluster, "push", "7", "--tag", "8");

        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--no-such-option'");
        assertThat(unknownCommand.exitCode()).isEqualTo(2);
        assertThat(pushWithoutTag.exitCode()).isEqualTo(2);
        assertThat(pushWithoutTag.err()).isEqualTo("bg-kube: push needs the tag to push: push TAG (or push --tag TAG)\n");
        assertThat(pushTwoTags.exitCode()).isEqualTo(2);
        assertThat(pushTwoTags.err()).contains("push: two different tags given (7 and --tag 8)");
    }

    @Test
    void helpListsEveryOptionWithItsEnvName() {
        TestProject.Run run = project.run(cluster, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("--image-name=IMAGE").contains("[IMAGE_NAME; required]")
                .contains("--deployment-timeout=DURATION").contains("[DEPLOYMENT_TIMEOUT; default 120s]")
                .contains("Exit codes: 0 success, 2 bad configuration or usage, 3 cluster failure, 4 smoke tests failed, "
                        + "5 an analysis gate failed, 130 (143) stopped by SIGINT (SIGTERM) after undoing the release.");
    }

    @Test
    void unreachableClusterIsAClusterFailureWithOneLine() {
        TestProject.Run run = project.runUnreachable("status");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith("bg-kube: the Kubernetes API server did not answer read service todo-api for 3s: ")
                .contains("Connection refused (cannot reach it: check KUBECONFIG or ~/.kube/config, and --kube-context)")
                .doesNotContain("\tat ");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void buildAndPushRunDocker() {
        TestProject.Run build = project.run(cluster, "build", "--tag", "7");
        TestProject.Run push = project.run(cluster, "push", "--tag", "7");

        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(push.exitCode()).as(push.err()).isZero();
        assertThat(project.commands().commands()).extracting(c -> String.join(" ", c.argv())).containsExactly(
                "docker build . -f ./Dockerfile -t registry.example/team/todo-api:7 --build-arg VERSION=1.2 --build-arg PROFILE=prod",
                "docker push registry.example/team/todo-api:7");
    }

    @Test
    void theOriginalsShortFlagsAndPushTagWork() {
        TestProject.Run build = project.runExactly(cluster, "build", "-e", project.file(".env.test"), "-c", "c1", "-z", "z1",
                "-m", "machine-x", "-i", "gcr.io/p/other", "-s", "svc", "-x", "ctx", "-d", "ctx/Dockerfile.alt", "--tag", "3");
        TestProject.Run push = project.runExactly(cluster, "push", "-e", project.file(".env.test"), "-i", "gcr.io/p/other", "3");

        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(push.exitCode()).as(push.err()).isZero();
        List<CommandRunner.Command> commands = project.commands().commands();
        assertThat(commands).extracting(c -> String.join(" ", c.argv())).containsExactly(
                "docker-machine env --shell bash machine-x",
                "docker build ctx -f ctx/Dockerfile.alt -t gcr.io/p/other:3 --build-arg VERSION=1.2 --build-arg PROFILE=prod",
                "docker push gcr.io/p/other:3");
        assertThat(commands.get(1).environment()).as("docker-machine is not installed here: silently skipped").isEmpty();
        assertThat(build.out() + build.err()).doesNotContain("docker-machine");
    }

    @Test
    void renderPrintsEveryManifestOfAColorAsOneYamlStreamWithoutACluster() {
        TestProject.Run run = project.runUnreachable("render", "--color", "green", "--tag", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<HasMetadata> objects = Manifests.render(Template.of("render output", run.out()), Map.of()).objects();
        assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).containsExactly(
                "Deployment todo-api-green", "HorizontalPodAutoscaler todo-api-green", "Job todo-api-seed",
                "Service todo-api-smoke", "Service todo-api");
        assertThat(((Deployment) objects.get(0)).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example/team/todo-api:5");
        assertThat(((Service) objects.get(4)).getSpec().getSelector()).containsEntry("color", "green");
        assertThat(run.out()).contains("# " + project.file("seed-job.yaml") + " (applied on the first publish only)")
                .doesNotContain("not reachable");
        assertThat(project.commands().commands()).isEmpty();
    }

    @Test
    void renderRejectsAColorThatIsNeither() {
        TestProject.Run run = project.runUnreachable("render", "--color", "red");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("bg-kube: --color: invalid value 'red': expected blue or green\n");
    }

    private void assertNothingCreated() {
        assertThat(objectCount()).isZero();
    }

    private int objectCount() {
        KubernetesClient client = cluster.client();
        String ns = MockCluster.NAMESPACE;
        return client.apps().deployments().inNamespace(ns).list().getItems().size()
                + client.services().inNamespace(ns).list().getItems().size()
                + client.batch().v1().jobs().inNamespace(ns).list().getItems().size()
                + client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).list().getItems().size()
                + client.pods().inNamespace(ns).list().getItems().size();
    }
}
