package dev.todokube.api.store;

/**
 * The validation rules for todo fields, in one place. Title: 1 to 200 characters, not only
 * whitespace. Tag: at most 100 characters, may be empty (it is a filter label). Priority: 0 to 10
 * (0 is the proto3 default, so a client that does not set it gets a valid todo; the original's seed
 * item has 1).
 */
public final class TodoRules {

    public static final int MAX_TITLE_LENGTH = 200;
    public static final int MAX_TAG_LENGTH = 100;
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 10;

    private TodoRules() {
    }

    public static String title(String title) {
        if (title.isBlank()) {
            throw new TodoException.InvalidArgument("title", "must not be empty");
        }
        int length = title.codePointCount(0, title.length());
        if (length > MAX_TITLE_LENGTH) {
            throw new TodoException.InvalidArgument("title",
                    "must be at most " + MAX_TITLE_LENGTH + " characters, got " + length);
        }
        return title;
    }

    public static String tag(String tag) {
        int length = tag.codePointCount(0, tag.length());
        if (length > MAX_TAG_LENGTH) {
            throw new TodoException.InvalidArgument("tag",
                    "must be at most " + MAX_TAG_LENGTH + " characters, got " + length);
        }
        return tag;
    }

    public static int priority(int priority) {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new TodoException.InvalidArgument("priority",
                    "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", got " + priority);
        }
        return priority;
    }
}
