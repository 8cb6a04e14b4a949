package dev.todokube.api.store;

import java.util.Locale;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;

/** A todo's id: a MongoDB ObjectId as 24 lower-case hex digits. Ordered like ObjectIds. */
public record TodoId(String hex) implements Comparable<TodoId> {

    private static final Pattern HEX24 = Pattern.compile("[0-9a-f]{24}");

    public TodoId {
        if (!HEX24.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a 24-hex-digit id: " + hex);
        }
    }

    public static TodoId generate() {
        return new TodoId(new ObjectId().toHexString());
    }

    /** Parses a client-supplied id; upper-case hex is accepted. */
    public static TodoId parse(String field, String text) {
        String hex = text.trim().toLowerCase(Locale.ROOT);
        if (hex.isEmpty()) {
            throw new TodoException.InvalidArgument(field, "must not be empty");
        }
        if (!HEX24.matcher(hex).matches()) {
            throw new TodoException.InvalidArgument(field, "must be 24 hex digits (a MongoDB ObjectId), got \""
                    + abbreviate(text) + "\"");
        }
        return new TodoId(hex);
    }

    public static TodoId of(ObjectId objectId) {
        return new TodoId(objectId.toHexString());
    }

    public ObjectId toObjectId() {
        return new ObjectId(hex);
    }

    @Override
    public int compareTo(TodoId other) {
        return hex.compareTo(other.hex);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
