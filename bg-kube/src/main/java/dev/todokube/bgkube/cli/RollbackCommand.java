package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.Rollback;
import dev.todokube.bgkube.deploy.ScaleDowns;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Point the public Service at the other color; refused when that color has no ready pods.")
final class RollbackCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--dry-run", description = "Check and print what would change; change nothing.")
    boolean dryRun;

    @Option(names = "--force",
            description = "Roll back even when the other color has fewer ready pods than the live one serves with.")
    boolean force;

    @Override
    public Integer call() {
        Toolbox toolbox = root.toolbox();
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        Rollback rollback = new Rollback(manifests, settings.serviceTimeout(), toolbox.clock(), toolbox.out()::println);
        try (KubernetesClient client = toolbox.connect().connect(settings, dryRun)) {
            KubeCluster cluster = root.cluster(settings, client);
            if (dryRun) {
                Rollback.Plan plan = rollback.plan(cluster, force);
                DryRun.print(toolbox.out(), List.of(plan.service()), plan.describe());
                return 0;
            }
            try (ClusterLock lock = Locking.lock(cluster, manifests, "rollback", toolbox.clock())) {
                ScaleDowns.finishOverdue(cluster, manifests, Publisher.liveColor(cluster, manifests),
                        toolbox.clock().instant(), toolbox.out()::println);
                Rollback.Plan plan = rollback.plan(cluster, force);
                toolbox.out().print(plan.describe());
                rollback.execute(plan, cluster);
            }
        }
        return 0;
    }
}
