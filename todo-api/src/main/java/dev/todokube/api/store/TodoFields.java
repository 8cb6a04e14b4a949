package dev.todokube.api.store;

/** The fields of a todo to create; validated on construction. */
public record TodoFields(String title, String tag, int priority) {

    public TodoFields {
        TodoRules.title(title);
        TodoRules.tag(tag);
        TodoRules.priority(priority);
    }
}
