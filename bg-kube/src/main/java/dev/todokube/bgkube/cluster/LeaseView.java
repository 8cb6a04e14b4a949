package dev.todokube.bgkube.cluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * A Lease as read, for commands that show it without taking it ({@code status}).
 *
 * @param holder empty when nobody holds it
 * @param renewed the holder's last renewal, by the holder's clock
 * @param annotations what its holders recorded on it (bg-kube's release record)
 */
public record LeaseView(Optional<String> holder, Optional<Instant> renewed, Duration duration,
        Map<String, String> annotations) {

    public LeaseView {
        annotations = Map.copyOf(annotations);
    }

    static LeaseView of(Lease lease) {
        var spec = lease.getSpec();
        Optional<String> holder = Optional.ofNullable(spec == null ? null : spec.getHolderIdentity())
                .filter(h -> !h.isBlank());
        ZonedDateTime renewed = spec == null ? null : spec.getRenewTime() != null ? spec.getRenewTime() : spec.getAcquireTime();
        int seconds = spec == null || spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
        Map<String, String> annotations = lease.getMetadata().getAnnotations() == null ? Map.of()
                : lease.getMetadata().getAnnotations();
        return new LeaseView(holder, Optional.ofNullable(renewed).map(ZonedDateTime::toInstant), Duration.ofSeconds(seconds),
                annotations);
    }
}
