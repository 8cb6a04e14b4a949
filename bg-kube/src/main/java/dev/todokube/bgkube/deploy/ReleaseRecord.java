package dev.todokube.bgkube.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a running release (publish, publish --no-promote, promote) records about itself while it
 * runs: written on its Lease before each step and at each point of no return (the migration's
 * status output before the migrations are applied, the swap before the Service changes), and
 * removed when the release is done or fully undone. A process killed mid-release leaves it behind:
 * the next command reads it to say what was interrupted and to finish or undo exactly that.
 *
 * @param id unique per release; also names its scale-down intent
 * @param command "publish", "publish --no-promote" or "promote"
 * @param previous the color live when it started; empty on a first publish
 * @param reached the names of the steps started, in order
 * @param deployed the new color's objects may have been changed (its undo takes it out)
 * @param migrationStatus the migrations' status output, kept before they were applied
 * @param migrationApplied the migrations may have been applied and are not rolled back
 * @param swapped the public Service may select the new color
 * @param problem why an undo stopped
 */
public record ReleaseRecord(String id, String command, String tag, Color target, Optional<Color> previous,
        Instant startedAt, String holder, List<String> reached, Phase phase, boolean deployed,
        Optional<String> migrationStatus, boolean migrationApplied, boolean swapped, Optional<String> problem) {

    /** The lease annotation that holds the record, as JSON. */
    public static final String ANNOTATION = ReleaseState.PREFIX + "release";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a release stands. */
    public enum Phase {
        RUNNING,
        UNDOING,
        UNDO_INCOMPLETE;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ReleaseRecord {
        reached = List.copyOf(reached);
    }

    static ReleaseRecord start(String id, String command, String tag, Color target, Optional<Color> previous,
            Instant startedAt, String holder) {
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, List.of(), Phase.RUNNING, false,
                Optional.empty(), false, false, Optional.empty());
    }

    /** The step now running: added to {@link #reached} (once). */
    public ReleaseRecord entering(String step) {
        List<String> steps = new ArrayList<>(reached);
        if (!steps.contains(step)) {
            steps.add(step);
        }
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, steps, phase, deployed,
                migrationStatus, migrationApplied, swapped, problem);
    }

    /** The same release, finished by another command (a publish resumed with or without --no-promote). */
    public ReleaseRecord withCommand(String newCommand) {
        return new ReleaseRecord(id, newCommand, tag, target, previous, startedAt, holder, reached, phase, deployed,
                migrationStatus, migrationApplied, swapped, problem);
    }

    public ReleaseRecord withPhase(Phase newPhase, Optional<String> newProblem) {
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, reached, newPhase, deployed,
                migrationStatus, migrationApplied, swapped, newProblem);
    }

    public ReleaseRecord withDeployed(boolean newDeployed) {
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, reached, phase, newDeployed,
                migrationStatus, migrationApplied, swapped, problem);
    }

    public ReleaseRecord withMigration(Optional<String> status, boolean applied) {
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, reached, phase, deployed,
                status, applied, swapped, problem);
    }

    public ReleaseRecord withSwapped(boolean newSwapped) {
        return new ReleaseRecord(id, command, tag, target, previous, startedAt, holder, reached, phase, deployed,
                migrationStatus, migrationApplied, newSwapped, problem);
    }

    /** The last step started, e.g. "smoke-test"; "start" before the first. */
    public String step() {
        return reached.isEmpty() ? "start" : reached.get(reached.size() - 1);
    }

    /** Whether it changed anything in the cluster yet (a build or push changes nothing there). */
    public boolean changedCluster() {
        return deployed || migrationApplied || swapped;
    }

    /** The record among a lease's annotations; empty when there is none. */
    public static Optional<ReleaseRecord> on(Map<String, String> annotations) {
        return Optional.ofNullable(annotations.get(ANNOTATION)).flatMap(ReleaseRecord::fromJson);
    }

    /** Which release, how far it got and what it left, in one line. */
    public String describe() {
        String state = switch (phase) {
            case RUNNING -> "stopped at step " + step();
            case UNDOING -> "stopped while undoing it";
            case UNDO_INCOMPLETE -> "its undo stopped: " + problem.orElse("(no reason recorded)");
        };
        List<String> left = new ArrayList<>();
        if (swapped) {
            left.add("the public Service may select " + target.label());
        }
        if (migrationApplied) {
            left.add("its migrations are applied (status output kept"
                    + migrationStatus.map(status -> ": " + status.lines().findFirst().orElse("")).orElse("") + ")");
        }
        if (deployed) {
            left.add(target.label() + " is deployed");
        }
        return "the " + command + " of tag " + tag + " to " + target.label()
                + previous.map(p -> " (from " + p.label() + ")").orElse(" (first publish)") + " by " + holder
                + ", started at " + startedAt + ", " + state + (left.isEmpty() ? "" : "; " + String.join(", ", left));
    }

    /** The command that finishes the release, and the one that undoes it. */
    public String next() {
        if (phase != Phase.RUNNING) {
            return "bg-kube abort finishes undoing it";
        }
        String finish = command.equals("promote") ? "bg-kube promote"
                : "bg-kube publish --tag " + tag + (command.endsWith("--no-promote") ? " --no-promote" : "");
        return finish + " finishes it, bg-kube abort undoes it";
    }

    String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id).put("command", command).put("tag", tag).put("target", target.label());
        previous.ifPresent(p -> node.put("previous", p.label()));
        node.put("startedAt", startedAt.toString()).put("holder", holder);
        ArrayNode steps = node.putArray("reached");
        reached.forEach(steps::add);
        node.put("phase", phase.name()).put("deployed", deployed);
        migrationStatus.ifPresent(s -> node.put("migrationStatus", s));
        node.put("migrationApplied", migrationApplied).put("swapped", swapped);
        problem.ifPresent(p -> node.put("problem", p));
        return node.toString();
    }

    /** The record in a lease annotation; empty when there is none or it cannot be read (a hand edit). */
    static Optional<ReleaseRecord> fromJson(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            List<String> reached = new ArrayList<>();
            node.path("reached").forEach(step -> reached.add(step.asText()));
            return Optional.of(new ReleaseRecord(node.path("id").asText(), node.path("command").asText(),
                    node.path("tag").asText(), color(node.path("target").asText()),
                    Optional.ofNullable(node.get("previous")).map(JsonNode::asText).map(ReleaseRecord::color),
                    Instant.parse(node.path("startedAt").asText()), node.path("holder").asText(), reached,
                    Phase.valueOf(node.path("phase").asText()), node.path("deployed").asBoolean(),
                    Optional.ofNullable(node.get("migrationStatus")).map(JsonNode::asText),
                    node.path("migrationApplied").asBoolean(), node.path("swapped").asBoolean(),
                    Optional.ofNullable(node.get("problem")).map(JsonNode::asText)));
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Color color(String label) {
        return Color.valueOf(label.toUpperCase(Locale.ROOT));
    }
}
