package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cli.BgKube;
import dev.todokube.bgkube.cli.Toolbox;
import dev.todokube.testkit.process.ProjectJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the bg-kube command line in this JVM with the production toolbox, for commands that need no cluster. */
public final class CommandLineRun {

    private CommandLineRun() {
    }

    public static TestProject.Run execute(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Toolbox toolbox = Toolbox.production(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int exitCode = BgKube.commandLine(toolbox).execute(argv);
        return new TestProject.Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code analyze} with the project's loadtest jar, the given load shape options, then {@code args}. */
    public static TestProject.Run analyze(List<String> loadShape, String... args) {
        List<String> argv = new ArrayList<>(List.of("analyze", "--loadtest-jar", ProjectJars.loadtest().toString()));
        argv.addAll(loadShape);
        argv.addAll(List.of(args));
        return execute(argv.toArray(String[]::new));
    }
}
