package dev.todokube.api.store;

import java.util.Optional;

/** A partial update: only the present fields change. Validated on construction. */
public record TodoPatch(Optional<String> title, Optional<String> tag, Optional<Integer> priority) {

    public TodoPatch {
        title.ifPresent(TodoRules::title);
        tag.ifPresent(TodoRules::tag);
        priority.ifPresent(TodoRules::priority);
    }

    public boolean isEmpty() {
        return title.isEmpty() && tag.isEmpty() && priority.isEmpty();
    }
}
