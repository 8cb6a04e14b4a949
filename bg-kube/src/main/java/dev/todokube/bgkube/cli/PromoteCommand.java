package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ReleaseRecord;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Swap to the preview publish --no-promote left, with the same checks as publish (capacity, "
                + "analysis). After an interrupted promote, promote finishes it.")
final class PromoteCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        Publisher publisher = root.publisher(settings, manifests, Optional.empty());
        String id = Locking.newId();
        String holder = Locking.holder("promote", id);
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            Publisher.Start start;
            try (ClusterLock lock = Locking.lock(cluster, manifests, holder, toolbox)) {
                Optional<Color> live = Publisher.liveColor(cluster, manifests);
                Optional<ReleaseRecord> interrupted = ReleaseRecord.on(lock.annotations());
                if (interrupted.isPresent() && interrupted.get().changedCluster()) {
                    ReleaseRecord record = interrupted.get();
                    if (record.phase() != ReleaseRecord.Phase.RUNNING || !record.command().equals("promote")) {
                        throw new ClusterException("a release was interrupted: " + record.describe() + "; " + record.next());
                    }
                    start = publisher.resume(record, live.equals(Optional.of(record.target())), holder);
                } else {
                    start = publisher.promotion(cluster, live, id, holder);
                }
                toolbox.out().print("promote " + start.plan().image() + " (preview " + start.plan().target().label() + ")\n"
                        + start.plan().describe().lines().skip(1).map(line -> line + "\n").reduce("", String::concat));
                publisher.run(start, cluster, lock);
            }
            publisher.scaleDownAfterDelay(start.plan(), start.record().id(), cluster,
                    () -> Locking.lock(cluster, manifests, Locking.holder("scale-down after promote", id), toolbox));
        }
        return 0;
    }
}
