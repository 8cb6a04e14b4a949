package dev.todokube.bgkube.process;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Runs a local program (docker, a smoke-test command): injectable so tests see the exact argv. */
public interface CommandRunner {

    Result run(Command command);

    /** An argv, extra environment variables, and optional standard input. */
    record Command(List<String> argv, Map<String, String> environment, Optional<String> stdin) {

        public Command {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(stdin, "stdin");
        }

        public static Command of(List<String> argv) {
            return new Command(argv, Map.of(), Optional.empty());
        }

        public Command withEnvironment(Map<String, String> extra) {
            Map<String, String> all = new HashMap<>(environment);
            all.putAll(extra);
            return new Command(argv, all, stdin);
        }

        @Override
        public String toString() {
            return String.join(" ", argv);
        }
    }

    /** Exit code and combined output. */
    record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }
}
