package dev.todokube.api.seed;

import dev.todokube.api.store.MongoTodoStore;
import dev.todokube.api.store.TodoException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Upserts seed items so running it twice changes nothing: an item with an id is matched by _id,
 * one without by title and tag. Existing documents are left as they are. One item at a time: the
 * command has nothing else to do meanwhile.
 */
public final class Seeder {

    private final MongoTodoStore store;

    public Seeder(MongoTodoStore store) {
        this.store = store;
    }

    public SeedResult seed(List<SeedItem> items) {
        int inserted = 0;
        for (SeedItem item : items) {
            if (join(store.insertIfAbsent(item.id(), item.fields()))) {
                inserted++;
            }
        }
        return new SeedResult(inserted, items.size() - inserted);
    }

    /** What the store reports, as it reports it: StoreUnavailable, NotPermitted, ... */
    static <T> T join(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TodoException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** How many items were written, and how many were there already. */
    public record SeedResult(int inserted, int alreadyPresent) {
    }
}
