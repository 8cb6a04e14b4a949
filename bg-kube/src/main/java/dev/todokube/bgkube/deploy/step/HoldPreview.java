package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Release;

/**
 * {@code publish --no-promote}: the new color stays a preview, deployed, checked and analysed,
 * recorded on its Deployment with the migrations' status output; {@code promote} swaps to it,
 * {@code abort} takes it out.
 */
public record HoldPreview(Color color, String deployment, String service) implements Step {

    @Override
    public String describe() {
        return "hold " + color.label() + " as a preview: record it on deployment " + deployment + " and leave service "
                + service + " as it is (then bg-kube promote, or bg-kube abort)";
    }

    @Override
    public String name() {
        return "hold-preview";
    }

    @Override
    public void run(Release release) {
        PreviewRecord.recordPreview(release.cluster(), release.manifests(), color, release.plan().image().tag(),
                release.record().migrationStatus(), release.record().migrationApplied());
        release.log("preview " + color.label() + " (" + release.plan().image() + ") is ready; service " + service
                + " left unchanged: bg-kube promote swaps to it, bg-kube abort takes it out");
    }
}
