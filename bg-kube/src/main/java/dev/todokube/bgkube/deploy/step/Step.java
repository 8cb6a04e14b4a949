package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Release;
import java.util.Optional;

/**
 * One step of a release, in the order they run. Each knows what it does ({@link #describe()}, its
 * line in the printed plan), how to run it, and how to undo what it did when a later step fails or
 * the release is interrupted or aborted. Steps are idempotent: a release resumed after its process
 * was killed runs them again and they finish what was half done. An undo works from the release's
 * record alone, so a later process (abort, rollback) undoes a killed release exactly as the process
 * that started it would have.
 */
public sealed interface Step permits BuildImage, PushImage, DeployColor, SeedDatabase, MigrateDatabase, SmokeTest,
        MatchCapacity, AnalyzeColor, SwapService, WatchLive, HoldPreview, ScheduleScaleDown {

    /** Its line in the printed plan. */
    String describe();

    /** Its short name, as the release record keeps it and messages name it, e.g. "smoke-test". */
    String name();

    void run(Release release) throws InterruptedException;

    /**
     * Undoes what it did, if anything, and says what it did in a few words for the user (e.g. "green
     * scaled to 0 and its HPA deleted"). An undo that cannot be done throws: the undo stops there, and
     * the steps before it keep what they did (the migrations cannot be rolled back in a color already
     * scaled down).
     */
    default Optional<String> undo(Release release) {
        return Optional.empty();
    }
}
