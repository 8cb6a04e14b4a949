package dev.todokube.loadtest.user;

import java.time.Duration;

/**
 * What every simulated user does: its tasks, its wait time, the token it presents (empty for
 * none) and the deadline of each call.
 */
public record UserProfile(TaskSet tasks, WaitTime waitTime, String token, Duration deadline) {

    public UserProfile {
        if (token == null) {
            token = "";
        }
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
    }

    /** The original load test: GetTodos only, 100-1000 ms between calls, 2 s deadline. */
    public static UserProfile defaults() {
        return new UserProfile(TaskSet.DEFAULT, WaitTime.DEFAULT, "", Duration.ofSeconds(2));
    }

    public UserProfile withTasks(TaskSet newTasks) {
        return new UserProfile(newTasks, waitTime, token, deadline);
    }

    public UserProfile withWaitTime(WaitTime newWaitTime) {
        return new UserProfile(tasks, newWaitTime, token, deadline);
    }

    public UserProfile withDeadline(Duration newDeadline) {
        return new UserProfile(tasks, waitTime, token, newDeadline);
    }
}
