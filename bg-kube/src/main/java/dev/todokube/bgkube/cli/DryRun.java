package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.template.RenderedManifest;
import java.io.PrintStream;
import java.util.List;
import java.util.function.UnaryOperator;

/** Prints what --dry-run shows: each rendered manifest as a YAML document, then the plan as comments. */
final class DryRun {

    private DryRun() {}

    static void print(PrintStream out, List<RenderedManifest> manifests, String plan) {
        printManifests(out, manifests, source -> "");
        out.println("---");
        plan.lines().forEach(line -> out.println("# " + line));
        out.println("# dry run: nothing was built, pushed or changed");
    }

    /**
     * The rendered manifests as one multi-document YAML stream, each introduced by a comment
     * naming its template (and what {@code note} adds for that template).
     */
    static void printManifests(PrintStream out, List<RenderedManifest> manifests, UnaryOperator<String> note) {
        for (RenderedManifest manifest : manifests) {
            out.println("---");
            out.println("# " + manifest.source() + note.apply(manifest.source()));
            out.print(manifest.text().endsWith("\n") ? manifest.text() : manifest.text() + "\n");
        }
    }
}
