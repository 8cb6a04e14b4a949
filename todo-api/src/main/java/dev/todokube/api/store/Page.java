package dev.todokube.api.store;

import java.util.List;
import java.util.Optional;

/** A page of todos and the token for the next one (empty on the last page). */
public record Page(List<Todo> todos, Optional<String> nextPageToken) {

    public Page {
        todos = List.copyOf(todos);
    }

    /** Builds a page from up to {@code size + 1} todos read in id order: the extra one proves there is more. */
    static Page fromLookahead(List<Todo> readOneMore, int size) {
        if (readOneMore.size() <= size) {
            return new Page(readOneMore, Optional.empty());
        }
        List<Todo> page = readOneMore.subList(0, size);
        return new Page(page, Optional.of(PageRequest.encodeToken(page.get(size - 1).id())));
    }
}
