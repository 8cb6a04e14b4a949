package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.deploy.Release;
import java.util.List;
import java.util.Optional;

/**
 * Runs the migrations in a ready pod of the new color: the status command first, whose output is the
 * rollback command's argument and is written to the release record <em>before</em> the apply command
 * runs (a migration is never applied without a record of how to roll it back), then the apply
 * command. Undone by the rollback command with the kept output, in a ready pod of the new color (its
 * image knows the migrations); when that cannot run, the undo stops there and the record keeps
 * everything a later {@code bg-kube abort} needs. A resumed release keeps the status output it
 * recorded: read again after the apply, it would describe the migrated database.
 *
 * @param rollbackCommand the rollback command; empty when none is set (the migrations then stay)
 */
public record MigrateDatabase(String deployment, Optional<String> statusCommand, Optional<String> applyCommand,
        Optional<String> rollbackCommand) implements Step {

    /** Annotations are small; a long status output is cut. */
    private static final int MAX_STATUS = 2000;

    @Override
    public String describe() {
        return "migrate: in a ready pod of " + deployment + " run"
                + statusCommand.map(c -> " status command '" + c + "' (output kept for a rollback)").orElse("")
                + applyCommand.map(c -> (statusCommand.isPresent() ? ", then" : "") + " apply command '" + c + "'").orElse("")
                + rollbackCommand.map(c -> "; undone by '" + c + " <status output words>'").orElse("");
    }

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public void run(Release release) {
        if (statusCommand.isPresent() && release.record().migrationStatus().isEmpty()) {
            String output = release.runInPod(deployment, statusCommand.get(), List.of()).output().strip();
            String kept = output.length() <= MAX_STATUS ? output : output.substring(0, MAX_STATUS) + "...";
            release.update(record -> record.withMigration(Optional.of(kept), false));
        }
        if (applyCommand.isPresent()) {
            release.update(record -> record.withMigration(record.migrationStatus(), true));
            release.runInPod(deployment, applyCommand.get(), List.of());
        }
    }

    @Override
    public Optional<String> undo(Release release) {
        if (!release.record().migrationApplied()) {
            return Optional.empty();
        }
        if (rollbackCommand.isEmpty()) {
            return Optional.of("the migrations stay applied (no DB_MIGRATIONS_ROLLBACK_COMMAND)");
        }
        // As the original, which put the status output on the kubectl exec command line: one argument per word.
        List<String> words = List.of(release.record().migrationStatus().orElse("").strip().split("\\s+")).stream()
                .filter(word -> !word.isEmpty()).toList();
        try {
            release.runInPod(deployment, rollbackCommand.get() + " \"$@\"", words);
        } catch (ClusterException e) {
            throw new ClusterException("the migrations' rollback failed: " + e.getMessage(), e);
        }
        release.update(record -> record.withMigration(record.migrationStatus(), false));
        return Optional.of("ran the rollback command '" + rollbackCommand.get() + "' with the kept status output");
    }
}
