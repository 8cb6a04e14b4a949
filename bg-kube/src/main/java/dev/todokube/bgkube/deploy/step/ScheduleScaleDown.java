package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.deploy.ScaleDowns;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Once the new color is verified (after the watch, if any): the previous color's scale-down recorded
 * on the public Service, due after the delay. The release's process waits the delay out with the
 * lease released (a rollback may run meanwhile and cancels it) and then scales the color down; if the
 * process stops meanwhile, the record stays and {@code status} shows it as overdue.
 */
public record ScheduleScaleDown(Color color, List<String> deployments, String service, Duration delay) implements Step {

    public ScheduleScaleDown {
        deployments = List.copyOf(deployments);
    }

    @Override
    public String describe() {
        return "scale down " + color.label() + ": record on service " + service + " that it is due in " + delay.toSeconds()
                + "s, then (the lease released, so a rollback can run meanwhile) delete its HPA and scale deployment "
                + String.join(", ", deployments) + " to 0";
    }

    @Override
    public String name() {
        return "scale-down";
    }

    @Override
    public void run(Release release) {
        if (release.unverified().isPresent()) {
            release.log("no scale-down of " + color.label() + ": the new color was not verified, " + color.label()
                    + " stays for a rollback");
            return;
        }
        Instant due = release.tools().clock().instant().plus(delay);
        ScaleDowns.record(release.cluster(), release.manifests(), color, due, release.record().id());
        release.log("scale-down of " + color.label() + " recorded, due at " + due);
    }
}
