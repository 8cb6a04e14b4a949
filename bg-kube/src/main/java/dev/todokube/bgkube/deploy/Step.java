package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import dev.todokube.bgkube.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One step of a publish, in the order they run; {@link #describe()} is its line in the printed plan. */
public sealed interface Step {

    String describe();

    record BuildImage(ImageRef image, String command) implements Step {
        @Override
        public String describe() {
            return "build " + image + ": " + command;
        }
    }

    record PushImage(ImageRef image, String command) implements Step {
        @Override
        public String describe() {
            return "push " + image + ": " + command;
        }
    }

    /** {@code alsoApplied}: the other objects applied with the color, e.g. "horizontalpodautoscaler todo-api-blue". */
    record DeployColor(Color color, List<String> deployments, ImageRef image, List<String> alsoApplied, Duration timeout)
            implements Step {
        public DeployColor {
            deployments = List.copyOf(deployments);
            alsoApplied = List.copyOf(alsoApplied);
        }

        @Override
        public String describe() {
            return "deploy " + color.label() + ": apply deployment " + String.join(", ", deployments)
                    + (alsoApplied.isEmpty() ? "" : " with " + String.join(", ", alsoApplied))
                    + ", wait up to " + timeout.toSeconds() + "s until it is available with a ready pod running tag " + image.tag();
        }
    }

    record SeedDatabase(List<String> jobs, Duration timeout) implements Step {
        public SeedDatabase {
            jobs = List.copyOf(jobs);
        }

        @Override
        public String describe() {
            return "seed (first publish): run job " + String.join(", ", jobs) + ", wait up to " + timeout.toSeconds()
                    + "s for each to complete";
        }
    }

    record MigrateDatabase(String deployment, Optional<String> statusCommand, Optional<String> applyCommand)
            implements Step {
        @Override
        public String describe() {
            return "migrate: in a ready pod of " + deployment + " run"
                    + statusCommand.map(c -> " status command '" + c + "' (output kept for a rollback)").orElse("")
                    + applyCommand.map(c -> (statusCommand.isPresent() ? ", then" : "") + " apply command '" + c + "'").orElse("");
        }
    }

    record SmokeTest(String service, Optional<String> command, Optional<String> rollbackCommand, Duration timeout)
            implements Step {
        @Override
        public String describe() {
            return "smoke test: apply service " + service + ", wait up to " + timeout.toSeconds()
                    + "s for its address (else port-forward)"
                    + command.map(c -> ", run '" + c + "' with TEST_HOST=<scheme>://<host>:<port> and TEST_ADDRESS=<host>:<port>")
                            .orElse("")
                    + rollbackCommand.map(c -> "; on failure run '" + c + " <status output words>' in the new pod").orElse("");
        }
    }

    /**
     * Before the swap: each Deployment of the new color scaled up to at least the replicas its
     * live counterpart (same position in the deployment config) runs now, whatever its HPA did.
     */
    record MatchCapacity(Color color, Color live, List<String> deployments, Duration timeout) implements Step {
        public MatchCapacity {
            deployments = List.copyOf(deployments);
        }

        @Override
        public String describe() {
            return "capacity: scale deployment " + String.join(", ", deployments) + " up to at least the replicas "
                    + live.label() + " runs now, wait up to " + timeout.toSeconds() + "s until available";
        }
    }

    /**
     * The pre-promotion analysis: the same load at the new color, through its smoke Service, and at
     * the live color, through the public Service, at the same time; a failed gate aborts the publish.
     * Without a live color there is nothing to compare with, so a ratio gate is left out.
     */
    record AnalyzeColor(Color color, String previewService, Optional<Color> live, String liveService,
                        LoadShape shape, Gates gates, Duration reachTimeout) implements Step {
        @Override
        public String describe() {
            StringBuilder text = new StringBuilder("analyze ").append(color.label()).append(" through service ")
                    .append(previewService);
            live.ifPresentOrElse(l -> text.append(" against ").append(l.label()).append(" through service ")
                            .append(liveService).append(", the same load at the same time"),
                    () -> text.append(" (first publish: no live color to compare with)"));
            text.append(": ").append(shape.describe()).append("; gates: ").append(gates.isEmpty()
                    ? "none apply (a ratio gate needs a live color), the verdict only reports"
                    : String.join(", ", gates.describe()));
            text.append("; a failed gate aborts the publish (exit 5)");
            return text.toString();
        }
    }

    /**
     * The swap: the public Service selects the new color and records the release state; the
     * previous color's HPAs are pinned at its current size (a rollback finds it as large as it
     * was); with a scale-down delay, its deadline is recorded too.
     */
    record SwapService(String service, Color color, Optional<Color> previous, Optional<Duration> scaleDownDelay,
            Duration timeout) implements Step {
        @Override
        public String describe() {
            return "swap: apply service " + service + " selecting " + color.label() + ", wait up to " + timeout.toSeconds()
                    + "s until it does"
                    + previous.map(p -> "; keep " + p.label() + " at its size (HPA minimum pinned)"
                            + scaleDownDelay.map(d -> ", record its scale-down due in " + d.toSeconds() + "s").orElse(""))
                            .orElse("");
        }
    }

    /**
     * After the swap: the new live color's own metrics (each ready pod's {@code metrics} port) over a
     * window of {@code duration}, checked every few seconds; a breached gate swaps back at once.
     */
    record WatchLive(Color color, Color previous, String deployment, Duration duration, Gates gates) implements Step {
        @Override
        public String describe() {
            return "watch " + color.label() + " for " + duration.toSeconds() + "s: the metrics of each ready pod of "
                    + deployment + ", gates " + String.join(", ", gates.describe()) + "; a breach swaps back to "
                    + previous.label() + " at once, runs the migrations' rollback command and exits 5";
        }
    }

    /**
     * {@code publish --no-promote}: the new color stays a preview, deployed, checked and analysed,
     * recorded on its Deployment; {@code promote} swaps to it, {@code abort} takes it out.
     */
    record HoldPreview(Color color, String deployment, String service) implements Step {
        @Override
        public String describe() {
            return "hold " + color.label() + " as a preview: record it on deployment " + deployment + " and leave service "
                    + service + " as it is (then bg-kube promote, or bg-kube abort)";
        }
    }

    record ScaleDownPrevious(Color color, List<String> deployments, Duration delay) implements Step {
        public ScaleDownPrevious {
            deployments = List.copyOf(deployments);
        }

        @Override
        public String describe() {
            return "scale down " + color.label() + ": after " + delay.toSeconds() + "s delete its HPA and scale deployment "
                    + String.join(", ", deployments) + " to 0 (recorded on the service: if bg-kube stops meanwhile, "
                    + "the next publish or rollback does it)";
        }
    }
}
