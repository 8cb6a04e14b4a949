package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ReleaseRecord;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Undo an interrupted release (swap back, roll back its migrations, take its color out), or take "
                + "out the preview publish --no-promote left; the previous color keeps serving.")
final class AbortCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        Publisher publisher = root.publisher(settings, manifests, Optional.empty());
        String id = Locking.newId();
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            try (ClusterLock lock = Locking.lock(cluster, manifests, Locking.holder("abort", id), toolbox)) {
                Optional<ReleaseRecord> interrupted = ReleaseRecord.on(lock.annotations());
                String done = interrupted.isPresent()
                        ? publisher.undoInterrupted(interrupted.get(), cluster, lock)
                        : publisher.abortPreview(cluster, Publisher.liveColor(cluster, manifests), lock, id,
                                Locking.holder("abort", id));
                toolbox.out().println(done);
            }
        }
        return 0;
    }
}
