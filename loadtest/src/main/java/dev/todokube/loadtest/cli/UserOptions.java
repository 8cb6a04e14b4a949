package dev.todokube.loadtest.cli;

import dev.todokube.duration.Durations;
import dev.todokube.loadtest.runner.ChannelMode;
import dev.todokube.loadtest.runner.Transport;
import dev.todokube.loadtest.user.TaskSet;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.WaitTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of what each simulated user does and how it connects; shared by {@code run} and {@code worker}. */
final class UserOptions {

    /** The environment variable a token is read from when no {@code --token-file} is given. */
    static final String TOKEN_VARIABLE = "LOADTEST_TOKEN";

    @Option(names = "--tasks", paramLabel = "RPC=WEIGHT,...", defaultValue = "GetTodos=1",
            description = "Weighted tasks: GetTodos, CreateTodo, GetTodo, UpdateTodo, DeleteTodo, ListTodos (default: ${DEFAULT-VALUE}).")
    String tasks;

    @Option(names = "--wait-time", paramLabel = "SPEC", defaultValue = "between:100ms:1000ms",
            description = "Wait between tasks: between:MIN:MAX, constant:WAIT or constant-throughput:TASKS_PER_S (default: ${DEFAULT-VALUE}).")
    String waitTime;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the token sent as 'authorization: Bearer TOKEN' (and in GetTodos' request) from this "
                    + "file's first line (default: the " + TOKEN_VARIABLE + " environment variable, else no token).")
    Path tokenFile;

    /** Refused with a pointer to the two ways that keep the token out of every process listing. */
    @Option(names = "--token", paramLabel = "TOKEN", hidden = true)
    String tokenOnCommandLine;

    @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "2s",
            description = "Deadline of each call (default: ${DEFAULT-VALUE}); a call past it fails with DEADLINE_EXCEEDED.")
    String deadline;

    @Option(names = "--tls", description = "Use TLS (default: plaintext).")
    boolean tls;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA certificates to trust with --tls (default: the JVM's).")
    Path caFile;

    @Option(names = "--channels", paramLabel = "MODE", defaultValue = "per-user",
            description = "per-user (one channel per user, to every server), connection-per-user (one connection per user, to one server) or shared:N (a pool of N channels) (default: ${DEFAULT-VALUE}).")
    String channels;

    UserProfile profile() {
        return new UserProfile(TaskSet.parse(tasks), WaitTime.parse(waitTime), token(), deadlineValue());
    }

    /** From {@code --token-file}, else from {@value #TOKEN_VARIABLE}, else none; never from the command line. */
    private String token() {
        if (tokenOnCommandLine != null) {
            throw new IllegalArgumentException("--token would show the token to every user of this machine (ps, /proc): "
                    + "put it in the " + TOKEN_VARIABLE + " environment variable or in a file given with --token-file");
        }
        if (tokenFile == null) {
            String fromEnvironment = System.getenv(TOKEN_VARIABLE);
            return fromEnvironment == null ? "" : fromEnvironment.strip();
        }
        if (!Files.isRegularFile(tokenFile) || !Files.isReadable(tokenFile)) {
            throw new IllegalArgumentException("--token-file " + tokenFile + ": no such readable file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file " + tokenFile + ": cannot read it: " + e, e);
        }
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--token-file " + tokenFile + ": its first line is empty");
        }
        return token;
    }

    Transport transport() {
        if (caFile != null && !tls) {
            throw new IllegalArgumentException("--ca-file " + caFile + " needs --tls");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("--ca-file " + caFile + ": no such readable file");
        }
        return new Transport(tls, Optional.ofNullable(caFile));
    }

    ChannelMode channelMode() {
        return ChannelMode.parse(channels);
    }

    private java.time.Duration deadlineValue() {
        try {
            return Durations.parse(deadline);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--deadline: " + e.getMessage(), e);
        }
    }
}
