package dev.todokube.loadtest.locust;

import dev.todokube.loadtest.runner.ChannelMode;
import dev.todokube.loadtest.runner.Target;
import dev.todokube.loadtest.runner.Transport;
import dev.todokube.loadtest.user.UserProfile;
import java.time.Duration;
import java.util.Optional;

/**
 * How a worker joins its master and what its users do.
 *
 * @param defaultTarget used when the master's spawn message carries no host
 * @param userClass the user class the locustfile declares; the master counts users under this name
 * @param readyRetry how long to wait for the master's ack before sending client_ready again
 * @param masterHeartbeatTimeout after this long without a heartbeat from a master that sends them
 *                               (Locust 2.13 and later), the worker rejoins it
 */
public record WorkerSettings(String masterHost, int masterPort, Optional<Target> defaultTarget, Transport transport,
                             ChannelMode channels, UserProfile profile, String userClass,
                             Duration heartbeatInterval, Duration statsInterval, Duration readyRetry,
                             Duration masterHeartbeatTimeout) {

    /** The user class of loadtest/locustfile.py. */
    public static final String DEFAULT_USER_CLASS = "TodosGrpcUser";

    public WorkerSettings {
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("master port " + masterPort + " is out of range 1-65535");
        }
        if (masterHost.isBlank()) {
            throw new IllegalArgumentException("master host is empty");
        }
    }

    /**
     * Locust's intervals: heartbeat every second, stats every three, client_ready retried every
     * five, the master's heartbeats missed for 60 s.
     */
    public static WorkerSettings of(String masterHost, int masterPort, Optional<Target> defaultTarget,
                                    Transport transport, ChannelMode channels, UserProfile profile) {
        return new WorkerSettings(masterHost, masterPort, defaultTarget, transport, channels, profile,
                DEFAULT_USER_CLASS, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5),
                Duration.ofSeconds(60));
    }

    public WorkerSettings withUserClass(String className) {
        return new WorkerSettings(masterHost, masterPort, defaultTarget, transport, channels, profile, className,
                heartbeatInterval, statsInterval, readyRetry, masterHeartbeatTimeout);
    }
}
