package dev.todokube.bgkube.deploy;

import java.time.Duration;

/** Waits out a delay (the scale-down delay); a test passes one that does not. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
