package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PublishPlan;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ReleaseRecord;
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
                + "smoke-test the new color, then point the public Service at it. After an interrupted publish, "
                + "publish --tag <its tag> finishes it.")
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
        Publisher publisher = root.publisher(settings, manifests, builder);
        if (dryRun) {
            PublishPlan plan = publisher.plan(imageTag, liveColorIfReachable(settings, manifests), !noPromote);
            DryRun.print(toolbox.out(), plan.manifests(),
                    "cluster " + settings.clusterName() + " (" + settings.clusterZone() + ")\n" + plan.describe());
            return 0;
        }
        String id = Locking.newId();
        String command = "publish " + imageTag + (noPromote ? " --no-promote" : "");
        String holder = Locking.holder(command, id);
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            Publisher.Start start;
            try (ClusterLock lock = Locking.lock(cluster, manifests, holder, toolbox)) {
                Optional<Color> live = Publisher.liveColor(cluster, manifests);
                start = start(publisher, ReleaseRecord.on(lock.annotations()), live, imageTag, id, holder);
                toolbox.out().print("cluster " + settings.clusterName() + " (" + settings.clusterZone() + "), namespace "
                        + cluster.namespace() + "\n" + start.plan().describe());
                publisher.run(start, cluster, lock);
            }
            publisher.scaleDownAfterDelay(start.plan(), start.record().id(), cluster,
                    () -> Locking.lock(cluster, manifests, Locking.holder("scale-down after " + command, id), toolbox));
        }
        return 0;
    }

    /**
     * A new release; or, when a release of this tag was interrupted, that release finished (never a
     * second release over a half-done one: a different tag is refused with what to run).
     */
    private Publisher.Start start(Publisher publisher, Optional<ReleaseRecord> interrupted, Optional<Color> live,
            String imageTag, String id, String holder) {
        if (interrupted.isPresent() && interrupted.get().changedCluster()) {
            ReleaseRecord record = interrupted.get();
            boolean swapped = live.equals(Optional.of(record.target()));
            boolean resumable = record.phase() == ReleaseRecord.Phase.RUNNING && record.tag().equals(imageTag)
                    && !(swapped && noPromote);
            if (!resumable) {
                throw new ClusterException("a release was interrupted: " + record.describe() + "; " + record.next());
            }
            return publisher.resume(record.withCommand(noPromote ? "publish --no-promote" : "publish"), swapped, holder);
        }
        interrupted.ifPresent(record -> root.toolbox().out().println("an earlier release stopped before it changed the "
                + "cluster (" + record.describe() + "): starting this one"));
        return publisher.start(imageTag, live, !noPromote, id, holder);
    }

    /**
     * A dry run reads the live color when it can, and plans a first publish only when the API
     * server does not answer at all. Any answer that is an error (a 403, a Service that selects
     * neither color) is reported as what it is: the publish would fail on it too.
     */
    private Optional<Color> liveColorIfReachable(Settings settings, ServiceManifests manifests) {
        Toolbox toolbox = root.toolbox();
        try (KubernetesClient client = toolbox.connect().connect(settings, true)) {
            return Publisher.liveColor(root.quickCluster(settings, client), manifests);
        } catch (KubernetesClientException | ClusterException e) {
            if (!unreachable(e)) {
                throw e;
            }
            toolbox.out().println("# cluster not reachable (" + ClusterErrors.describe(unwrap(e))
                    + "): planning as a first publish");
            return Optional.empty();
        }
    }

    private static boolean unreachable(RuntimeException e) {
        return unwrap(e) instanceof KubernetesClientException k8s && ClusterErrors.isUnreachable(k8s);
    }

    /** An API call repeated until its retry window passed fails as a ClusterException with the last error inside. */
    private static RuntimeException unwrap(RuntimeException e) {
        return e instanceof ClusterException && e.getCause() instanceof KubernetesClientException k8s ? k8s : e;
    }
}
