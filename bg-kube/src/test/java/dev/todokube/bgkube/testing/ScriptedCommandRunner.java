package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.process.ProcessCommandRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every command. Programs named in {@code scripted} (docker, minikube, aws: no Docker
 * engine or cloud CLI here) answer with a scripted result; everything else (smoke-test shell
 * commands) really runs.
 */
public final class ScriptedCommandRunner implements CommandRunner {

    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final Map<String, Result> scripted = new ConcurrentHashMap<>();
    private final ProcessCommandRunner real = new ProcessCommandRunner(line -> {});

    /** Commands whose argv[0] is {@code program} succeed with this output instead of running. */
    public ScriptedCommandRunner script(String program, Result result) {
        scripted.put(program, result);
        return this;
    }

    public List<Command> commands() {
        return List.copyOf(commands);
    }

    @Override
    public Result run(Command command) {
        commands.add(command);
        Result result = scripted.get(command.argv().get(0));
        return result != null ? result : real.run(command);
    }
}
