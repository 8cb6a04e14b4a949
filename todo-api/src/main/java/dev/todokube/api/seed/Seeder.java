package dev.todokube.api.seed;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import dev.todokube.api.store.TodoException;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Upserts seed items so running it twice changes nothing: an item with an id is matched by _id,
 * one without by title and tag. Existing documents are left as they are ($setOnInsert only).
 */
public final class Seeder {

    private final MongoCollection<Document> todos;

    public Seeder(MongoCollection<Document> todos) {
        this.todos = todos;
    }

    public SeedResult seed(List<SeedItem> items) {
        int inserted = 0;
        for (SeedItem item : items) {
            if (upsert(item)) {
                inserted++;
            }
        }
        return new SeedResult(inserted, items.size() - inserted);
    }

    private boolean upsert(SeedItem item) {
        Bson filter = item.id()
                .map(id -> Filters.eq("_id", id.toObjectId()))
                .orElseGet(() -> Filters.and(Filters.eq("title", item.fields().title()),
                        Filters.eq("tag", item.fields().tag())));
        List<Bson> fields = new ArrayList<>();
        if (item.id().isEmpty()) {
            // Matched by title+tag: give the new document an ObjectId as the original's had.
            fields.add(Updates.setOnInsert("_id", new ObjectId()));
        }
        fields.add(Updates.setOnInsert("title", item.fields().title()));
        fields.add(Updates.setOnInsert("tag", item.fields().tag()));
        fields.add(Updates.setOnInsert("priority", item.fields().priority()));
        Bson insert = Updates.combine(fields);
        try {
            UpdateResult result = todos.updateOne(filter, insert, new UpdateOptions().upsert(true));
            return result.getUpsertedId() != null;
        } catch (MongoException e) {
            throw new TodoException.StoreUnavailable("MongoDB unavailable while seeding: " + e.getMessage(), e);
        }
    }

    /** How many items were written, and how many were there already. */
    public record SeedResult(int inserted, int alreadyPresent) {
    }
}
