package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.ServiceManifests;
import dev.todokube.bgkube.status.StatusReport;
import dev.todokube.bgkube.status.StatusTable;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the active color, a release in progress or interrupted (and the command that finishes or "
                + "undoes it) and, per color, deployment, image tag, ready/desired replicas, age and HPA.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Override
    public Integer call() {
        Settings settings = root.settings();
        ServiceManifests manifests = ServiceManifests.load(settings, "0");
        try (KubernetesClient client = root.toolbox().connect().connect(settings, false)) {
            StatusReport report = StatusReport.read(root.cluster(settings, client), manifests, Locking.leaseName(manifests),
                    root.toolbox().clock().instant());
            root.toolbox().out().print(StatusTable.render(report));
        }
        return 0;
    }
}
