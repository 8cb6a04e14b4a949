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
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Swap to the preview publish --no-promote left, with the same checks as publish (capacity, "
                + "analysis).")
final class PromoteCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        Optional<Analyzer> analyzer = settings.analysis().enabled()
                ? Optional.of(new Analyzer(LoadtestJars.resolve(settings.analysis()), toolbox.out()::println))
                : Optional.empty();
        Publisher publisher = new Publisher(settings, manifests, Optional.empty(), toolbox.commands(), toolbox.sleeper(),
                toolbox.clock(), analyzer, toolbox.out()::println);
        try (KubernetesClient client = toolbox.connect().connect(settings, false)) {
            KubeCluster cluster = root.cluster(settings, client);
            PublishPlan plan;
            try (ClusterLock lock = Locking.lock(cluster, manifests, "promote", toolbox.clock())) {
                Optional<Color> live = Publisher.liveColor(cluster, manifests);
                ScaleDowns.finishOverdue(cluster, manifests, live, toolbox.clock().instant(), toolbox.out()::println);
                plan = publisher.promotionPlan(cluster, live);
                toolbox.out().print("promote " + plan.image() + " (preview " + plan.target().label() + ")\n"
                        + plan.describe().lines().skip(1).map(line -> line + "\n").reduce("", String::concat));
                publisher.execute(plan, cluster, publisher.keptMigrationStatus(cluster, plan));
            }
            publisher.scaleDownAfterDelay(plan, cluster,
                    () -> Locking.lock(cluster, manifests, "scale-down after promote", toolbox.clock()));
        }
        return 0;
    }
}
