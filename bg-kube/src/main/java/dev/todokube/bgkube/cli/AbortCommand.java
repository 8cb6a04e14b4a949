package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Take out the preview publish --no-promote left: roll back its migrations, scale it to zero, "
                + "delete its HPA; the public Service is not touched.")
final class AbortCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        Publisher publisher = new Publisher(settings, manifests, Optional.empty(), toolbox.commands(), toolbox.sleeper(),
                toolbox.clock(), Optional.empty(), toolbox.out()::println);
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            try (ClusterLock lock = Locking.lock(cluster, manifests, "abort", toolbox.clock())) {
                publisher.abortPreview(cluster, Publisher.liveColor(cluster, manifests));
            }
        }
        return 0;
    }
}
