package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.template.RenderedManifest;
import java.io.PrintStream;
import java.util.List;

/** Prints what --dry-run shows: each rendered manifest as a YAML document, then the plan as comments. */
final class DryRun {

    private DryRun() {}

    static void print(PrintStream out, List<RenderedManifest> manifests, String plan) {
        for (RenderedManifest manifest : manifests) {
            out.println("---");
            out.println("# " + manifest.source());
            out.print(manifest.text().endsWith("\n") ? manifest.text() : manifest.text() + "\n");
        }
        out.println("---");
        plan.lines().forEach(line -> out.println("# " + line));
        out.println("# dry run: nothing was built, pushed or changed");
    }
}
