package dev.todokube.api.seed;

import dev.todokube.api.store.TodoFields;
import dev.todokube.api.store.TodoId;
import java.util.Optional;

/** One todo to seed; with an id it is keyed by id, otherwise by title and tag. */
public record SeedItem(Optional<TodoId> id, TodoFields fields) {
}
