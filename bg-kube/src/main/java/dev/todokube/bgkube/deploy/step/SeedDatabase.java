package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;

/**
 * The first publish seeds the database: each seed Job is run (a previous run of the same name deleted
 * first) and awaited. Seeded data is not taken back on an undo: there is no live version it could
 * disturb, and the next first publish seeds again.
 */
public record SeedDatabase(List<String> jobs, Duration timeout) implements Step {

    public SeedDatabase {
        jobs = List.copyOf(jobs);
    }

    @Override
    public String describe() {
        return "seed (first publish): run job " + String.join(", ", jobs) + ", wait up to " + timeout.toSeconds()
                + "s for each to complete";
    }

    @Override
    public String name() {
        return "seed";
    }

    @Override
    public void run(Release release) {
        RenderedManifest seed = release.manifests().seedJobs(release.plan().target(), release.plan().image().tag())
                .orElseThrow();
        for (HasMetadata object : seed.objects()) {
            if (object instanceof Job job) {
                release.cluster().recreate(job, timeout);
                release.cluster().awaitJob(job.getMetadata().getName(), timeout);
                release.log("job " + job.getMetadata().getName() + " completed");
            } else {
                release.cluster().apply(object);
            }
        }
    }
}
