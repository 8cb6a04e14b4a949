package dev.todokube.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.Await;
import dev.todokube.api.store.MemoryTodoStore;
import dev.todokube.api.store.Page;
import dev.todokube.api.store.PageRequest;
import dev.todokube.api.store.Todo;
import dev.todokube.api.store.TodoFields;
import dev.todokube.api.store.TodoId;
import dev.todokube.api.store.TodoPatch;
import dev.todokube.api.store.TodoStore;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The store's one-time set-up waits until the service has had its start to itself, then runs once. */
class StoreHealthProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void theFirstProbeLeavesTheSetUpForLater() {
        CountingStore store = new CountingStore();
        try (StoreHealthProbe probe = new StoreHealthProbe(store, new HealthStatusManager(), Duration.ofHours(1), TIMEOUT,
                Duration.ofHours(1))) {
            probe.start(() -> { }, () -> { });

            assertThat(probe.storeReachable()).isTrue();
            assertThat(store.setUps.get()).isZero();
        }
    }

    @Test
    void probesAfterTheDelayRunTheSetUpOnce() throws InterruptedException {
        CountingStore store = new CountingStore();
        try (StoreHealthProbe probe = new StoreHealthProbe(store, new HealthStatusManager(), Duration.ofMillis(10), TIMEOUT,
                Duration.ZERO)) {
            probe.start(() -> { }, () -> { });
            Await.until(Duration.ofSeconds(10), "five probes", () -> store.pings.get() >= 5);

            assertThat(store.setUps.get()).isEqualTo(1);
        }
    }

    /** The memory store, counting its pings and set-ups. */
    private static final class CountingStore implements TodoStore {
        private final MemoryTodoStore delegate = MemoryTodoStore.empty();
        private final AtomicInteger pings = new AtomicInteger();
        private final AtomicInteger setUps = new AtomicInteger();

        @Override
        public CompletableFuture<Void> ping() {
            pings.incrementAndGet();
            return delegate.ping();
        }

        @Override
        public CompletableFuture<Void> prepare() {
            setUps.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Todo> create(TodoFields fields) {
            return delegate.create(fields);
        }

        @Override
        public CompletableFuture<Todo> get(TodoId id) {
            return delegate.get(id);
        }

        @Override
        public CompletableFuture<Todo> update(TodoId id, TodoPatch patch) {
            return delegate.update(id, patch);
        }

        @Override
        public CompletableFuture<Void> delete(TodoId id) {
            return delegate.delete(id);
        }

        @Override
        public CompletableFuture<List<Todo>> all() {
            return delegate.all();
        }

        @Override
        public CompletableFuture<Page> list(PageRequest request) {
            return delegate.list(request);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
