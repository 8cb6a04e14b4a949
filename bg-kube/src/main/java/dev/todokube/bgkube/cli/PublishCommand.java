package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.analysis.Analyzer;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PublishPlan;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ScaleDowns;
import dev.todokube.bgkube.deploy.ServiceManifests;
import dev.todokube.bgkube.image.ImageBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Build and push the image, deploy it as the idle color, seed or migrate the database, "
                + "smoke-test the new color, then point the public Service at it.")
final class PublishCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--dry-run", description = "Print the rendered manifests and the plan; change nothing.")
    boolean dryRun;

    @Option(names = "--no-promote",
            description = "Stop before the swap: the new color stays a preview, deployed, smoke-tested and analysed "
                    + "(then promote, or abort).")
    boolean noPromote;

    @Option(names = "--tag", paramLabel = "TAG",
            description = "Deploy this existing tag of the image instead of building one (default: build, tag = unix seconds now).")
    String tag;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        String imageTag = tag != null ? tag : String.valueOf(toolbox.clock().instant().getEpochSecond());
        ServiceManifests manifests = ServiceManifests.load(settings, imageTag);
        Optional<ImageBuilder> builder = tag == null ? Optional.of(root.imageBuilder(settings)) : Optional.empty();
        Optional<Analyzer> analyzer = settings.analysis().enabled()
                ? Optional.of(new Analyzer(LoadtestJars.resolve(settings.analysis()), toolbox.out()::println))
                : Optional.empty();
        Publisher publisher = new Publisher(settings, manifests, builder, toolbox.commands(), toolbox.sleeper(),
                toolbox.clock(), analyzer, toolbox.out()::println);
        if (dryRun) {
            PublishPlan plan = publisher.plan(imageTag, liveColorIfReachable(settings, manifests), !noPromote);
            DryRun.print(toolbox.out(), plan.manifests(),
                    "cluster " + settings.clusterName() + " (" + settings.clusterZone() + ")\n" + plan.describe());
            return 0;
        }
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            PublishPlan plan;
            try (ClusterLock lock = Locking.lock(cluster, manifests, "publish " + imageTag, toolbox.clock())) {
                Optional<Color> live = Publisher.liveColor(cluster, manifests);
                ScaleDowns.finishOverdue(cluster, manifests, live, toolbox.clock().instant(), toolbox.out()::println);
                plan = publisher.plan(imageTag, live, !noPromote);
                toolbox.out().print("cluster " + settings.clusterName() + " (" + settings.clusterZone() + "), namespace "
                        + cluster.namespace() + "\n" + plan.describe());
                publisher.execute(plan, cluster);
            }
            publisher.scaleDownAfterDelay(plan, cluster,
                    () -> Locking.lock(cluster, manifests, "scale-down after publish " + imageTag, toolbox.clock()));
        }
        return 0;
    }

    /**
     * A dry run reads the live color when it can, and plans a first publish only when the API
     * server does not answer at all. Any answer that is an error (a 403, a Service that selects
     * neither color) is reported as what it is: the publish would fail on it too.
     */
    private Optional<Color> liveColorIfReachable(Settings settings, ServiceManifests manifests) {
        Toolbox toolbox = root.toolbox();
        try (KubernetesClient client = toolbox.connect().connect(settings, true)) {
            return Publisher.liveColor(root.cluster(settings, client), manifests);
        } catch (KubernetesClientException e) {
            if (!ClusterErrors.isUnreachable(e)) {
                throw e;
            }
            toolbox.out().println("# cluster not reachable (" + ClusterErrors.describe(e) + "): planning as a first publish");
            return Optional.empty();
        }
    }
}
