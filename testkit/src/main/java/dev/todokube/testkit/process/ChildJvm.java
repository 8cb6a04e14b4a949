package dev.todokube.testkit.process;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a child JVM (a runnable jar or a main class) and starts it as a {@link ChildProcess}.
 *
 * <p>The child runs the same {@code java} as the current JVM unless told otherwise, with the given
 * environment added to (not replacing) the inherited one. Its stdout and stderr go to one log file,
 * optionally echoed line by line to a stream, so a caller can both watch it and wait for log lines.
 */
public final class ChildJvm {

    private final List<String> launch;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String name;
    private Path workingDirectory;
    private Path logFile;
    private Path errorFile;
    private boolean inheritEnvironment = true;
    private PrintStream echo;
    private List<String> prefix = List.of();

    private ChildJvm(String name, List<String> launch) {
        this.name = name;
        this.launch = List.copyOf(launch);
    }

    /** {@code java -jar <jar>}; fails fast with a clear message when the jar is missing. */
    public static ChildJvm jar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("jar not found: " + jar.toAbsolutePath().normalize()
                    + " (build it first, e.g. mvn -B package -DskipTests)");
        }
        String file = jar.getFileName().toString();
        return new ChildJvm(file.replaceFirst("\\.jar$", ""), List.of("-jar", jar.toAbsolutePath().toString()));
    }

    /** {@code java -cp <classpath> <mainClass>}. */
    public static ChildJvm mainClass(String mainClass, String classpath) {
        String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        return new ChildJvm(simple, List.of("-cp", classpath, mainClass));
    }

    /** {@code java -cp <this JVM's classpath> <mainClass>}: for fixtures that live next to the test. */
    public static ChildJvm mainClassOnCurrentClasspath(String mainClass) {
        return mainClass(mainClass, System.getProperty("java.class.path"));
    }

    /** A short name used in log file names and error messages. */
    public ChildJvm name(String value) {
        this.name = Objects.requireNonNull(value);
        return this;
    }

    public ChildJvm jvmArgs(String... values) {
        jvmArgs.addAll(List.of(values));
        return this;
    }

    public ChildJvm args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    public ChildJvm args(List<String> values) {
        args.addAll(values);
        return this;
    }

    public ChildJvm env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public ChildJvm env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    public ChildJvm workingDirectory(Path value) {
        this.workingDirectory = value;
        return this;
    }

    /** Where stdout and stderr go; by default a temporary file named after the process. */
    public ChildJvm logFile(Path value) {
        this.logFile = value;
        return this;
    }

    /** Sends stderr to this file instead of merging it into the log. */
    public ChildJvm errorFile(Path value) {
        this.errorFile = value;
        return this;
    }

    /** Starts the child with only the variables given by {@link #env}, none of this process's. */
    public ChildJvm withoutInheritedEnvironment() {
        this.inheritEnvironment = false;
        return this;
    }

    /** Also copies every output line to this stream (e.g. System.out), as the child writes it. */
    public ChildJvm echoTo(PrintStream value) {
        this.echo = value;
        return this;
    }

    /** Runs the JVM under a wrapper command, e.g. {@code taskset -c 0}. */
    public ChildJvm wrappedIn(String... command) {
        this.prefix = List.of(command);
        return this;
    }

    /** The full command line this description starts. */
    public List<String> command() {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(launch);
        command.addAll(args);
        return List.copyOf(command);
    }

    public ChildProcess start() throws IOException {
        Path log = logFile != null ? logFile : Files.createTempFile(name + "-", ".log");
        return ChildProcess.start(name, command(), env, inheritEnvironment, workingDirectory, log, errorFile, echo);
    }
}
