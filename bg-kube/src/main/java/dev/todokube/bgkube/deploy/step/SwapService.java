package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.deploy.ReleaseState;
import dev.todokube.bgkube.deploy.Rollback;
import dev.todokube.bgkube.deploy.ServiceManifests;
import java.time.Duration;
import java.util.Optional;

/**
 * The swap: the public Service selects the new color, with the release state recorded in the same
 * write; the previous color's HPAs are pinned at its current size (a swap back or rollback finds it as
 * large as it was). Right before it, the new color's capacity is checked again (pods come and go) and
 * the release record says the swap may happen, which also proves the lease is still held. Undone by
 * a swap back, when the previous color has ready pods to take the traffic (else the undo stops: the
 * Service never points at a color with none).
 *
 * @param capacityTimeout how long the last capacity check may wait for the new color
 */
public record SwapService(String service, Color color, Optional<Color> previous, Duration timeout,
        Duration capacityTimeout) implements Step {

    @Override
    public String describe() {
        return "swap: apply service " + service + " selecting " + color.label() + ", wait up to " + timeout.toSeconds()
                + "s until it does" + previous.map(p -> "; keep " + p.label() + " at its size (HPA minimum pinned)").orElse("");
    }

    @Override
    public String name() {
        return "swap";
    }

    @Override
    public void run(Release release) {
        KubeCluster cluster = release.cluster();
        ServiceManifests manifests = release.manifests();
        previous.ifPresent(live -> MatchCapacity.match(release, color, live, capacityTimeout));
        release.update(record -> record.withSwapped(true));
        String tag = release.plan().image().tag();
        String migration = previous.isEmpty()
                ? (manifests.seedJobs(color, "0").isPresent() ? "seeded" : "none")
                : release.record().migrationStatus().orElse(release.record().migrationApplied() ? "applied" : "none");
        new ReleaseState(color, tag, migration, release.tools().clock().instant(), "publish", Optional.empty())
                .applyWith(cluster, manifests.service(color, tag));
        manifests.selectorsFor(color).forEach((name, selector) -> cluster.awaitSelector(name, selector, timeout));
        release.log("service " + service + " now selects " + color.label());
        PreviewRecord.clearPreview(cluster, manifests, color);
        previous.ifPresent(p -> manifests.deploymentNames(p).forEach(cluster::pinAutoscalers));
    }

    @Override
    public Optional<String> undo(Release release) {
        KubeCluster cluster = release.cluster();
        if (!release.record().swapped()) {
            return Optional.empty();
        }
        Optional<Color> live = Publisher.liveColor(cluster, release.manifests());
        if (previous.isEmpty()) {
            // A first publish: before it there was no public Service at all.
            if (live.isPresent()) {
                release.update(record -> record.withSwapped(false));
                cluster.service(service).ifPresent(cluster::delete);
                return Optional.of("service " + service + " deleted (the first publish created it)");
            }
            return Optional.empty();
        }
        if (live.equals(previous)) {
            release.update(record -> record.withSwapped(false));
            return Optional.empty();
        }
        Rollback rollback = new Rollback(release.manifests(), timeout, release.tools().clock(), release.tools().log());
        // The previous color kept its size (pinned); a broken new color's ready count must not block the way back.
        Rollback.Plan plan = rollback.planTo(cluster, color, previous.get(), true);
        release.ensureHeld();
        rollback.execute(plan, cluster, "swap back (" + release.record().command() + " of tag " + release.record().tag()
                + " undone)");
        release.update(record -> record.withSwapped(false));
        return Optional.of("swapped back: service " + service + " selects " + previous.get().label() + " again");
    }
}
