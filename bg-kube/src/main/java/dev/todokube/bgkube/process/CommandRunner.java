package dev.todokube.bgkube.process;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Runs a local program (docker, a smoke-test command): injectable so tests see the exact argv. */
public interface CommandRunner {

    /**
     * Runs the command to its end and returns its exit code and output; a command that runs
     * longer than its timeout is stopped and reported as a {@code ClusterException} naming it.
     */
    Result run(Command command);

    /**
     * An argv, extra environment variables, optional standard input, how long it may run, and
     * whether its output is a credential (e.g. {@code aws ecr get-login-password}): then its
     * standard output alone is handed to the caller, never echoed to the log or quoted in an error,
     * and its standard error is logged, with the credential masked, only when it fails.
     */
    record Command(List<String> argv, Map<String, String> environment, Optional<String> stdin, Duration timeout,
            boolean credentialOutput) {

        /** The timeout of a command nobody gave one: long enough for a cold docker build. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

        public Command {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(stdin, "stdin");
            Objects.requireNonNull(timeout, "timeout");
        }

        public Command(List<String> argv, Map<String, String> environment, Optional<String> stdin) {
            this(argv, environment, stdin, DEFAULT_TIMEOUT, false);
        }

        public static Command of(List<String> argv) {
            return new Command(argv, Map.of(), Optional.empty());
        }

        public Command withEnvironment(Map<String, String> extra) {
            Map<String, String> all = new HashMap<>(environment);
            all.putAll(extra);
            return new Command(argv, all, stdin, timeout, credentialOutput);
        }

        public Command withTimeout(Duration limit) {
            return new Command(argv, environment, stdin, limit, credentialOutput);
        }

        /** The same command, its output treated as a credential. */
        public Command withCredentialOutput() {
            return new Command(argv, environment, stdin, timeout, true);
        }

        @Override
        public String toString() {
            return String.join(" ", argv);
        }
    }

    /** Exit code and combined output (a credential command's: its standard output alone). */
    record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }
}
