package dev.todokube.api.store;

/** A stored todo. */
public record Todo(TodoId id, String title, String tag, int priority) {

    public static Todo of(TodoId id, TodoFields fields) {
        return new Todo(id, fields.title(), fields.tag(), fields.priority());
    }

    public Todo with(TodoPatch patch) {
        return new Todo(id, patch.title().orElse(title), patch.tag().orElse(tag), patch.priority().orElse(priority));
    }
}
