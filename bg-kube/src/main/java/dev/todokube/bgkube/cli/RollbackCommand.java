package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.cluster.ApiFailures;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ReleaseRecord;
import dev.todokube.bgkube.deploy.Rollback;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Point the public Service at the other color; refused when that color has no ready pods. After an "
                + "interrupted release, undo it instead (as abort): the previous color serves again.")
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
            if (dryRun) {
                Rollback.Plan plan = rollback.plan(root.quickCluster(settings, client), force);
                DryRun.print(toolbox.out(), List.of(plan.service()), plan.describe());
                return 0;
            }
            KubeCluster cluster = root.cluster(settings, client);
            String id = Locking.newId();
            try (ClusterLock lock = Locking.lock(cluster, manifests, Locking.holder("rollback", id), toolbox)) {
                Optional<ReleaseRecord> interrupted = ReleaseRecord.on(lock.annotations());
                if (interrupted.isPresent()) {
                    // The way back from a half-done release is its undo: a plain swap would leave its
                    // migrations applied, or point the Service at a color that was never verified.
                    toolbox.out().println("rollback: a release was interrupted (" + interrupted.get().describe()
                            + "): undoing it, as bg-kube abort does");
                    Publisher publisher = root.publisher(settings, manifests, Optional.empty());
                    toolbox.out().println("rolled back: " + publisher.undoInterrupted(interrupted.get(), cluster, lock));
                    return 0;
                }
                rollBack(rollback, cluster, lock);
            }
        }
        return 0;
    }

    /** The rollback; a failure says whether the public Service may have changed already. */
    private void rollBack(Rollback rollback, KubeCluster cluster, ClusterLock lock) {
        Rollback.Plan plan;
        try {
            plan = rollback.plan(cluster, force);
        } catch (RuntimeException e) {
            BgKubeException failure = ApiFailures.asBgKube(e);
            throw failure.withMessage(failure.getMessage() + "; nothing was changed");
        }
        root.toolbox().out().print(plan.describe());
        try {
            lock.ensureHeld();
            rollback.execute(plan, cluster, "rollback");
        } catch (RuntimeException e) {
            BgKubeException failure = ApiFailures.asBgKube(e);
            throw failure.withMessage(failure.getMessage() + "; the public Service may select " + plan.from().label()
                    + " or " + plan.to().label() + " now: bg-kube status shows which, bg-kube rollback again finishes it");
        }
    }
}
