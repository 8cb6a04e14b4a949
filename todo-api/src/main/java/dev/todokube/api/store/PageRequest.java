package dev.todokube.api.store;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One page of a tag-filtered listing ordered by id. The page token is the last id of the previous
 * page, base64url-encoded, so clients treat it as opaque. Page size: 0 means {@value #DEFAULT_SIZE};
 * larger than {@value #MAX_SIZE} is reduced to it (as Google's API guidelines suggest); negative is
 * invalid.
 */
public record PageRequest(String tag, int size, Optional<TodoId> after) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 1000;

    public PageRequest {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("page size out of range: " + size);
        }
    }

    /** Validates the raw request fields; errors name the field. */
    public static PageRequest parse(String tag, int pageSize, String pageToken) {
        if (pageSize < 0) {
            throw new TodoException.InvalidArgument("page_size", "must not be negative, got " + pageSize);
        }
        int size = pageSize == 0 ? DEFAULT_SIZE : Math.min(pageSize, MAX_SIZE);
        return new PageRequest(TodoRules.tag(tag), size, decodeToken(pageToken));
    }

    public static String encodeToken(TodoId last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(last.hex()));
    }

    private static Optional<TodoId> decodeToken(String token) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            if (bytes.length == 12) {
                return Optional.of(new TodoId(HexFormat.of().formatHex(bytes)));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new TodoException.InvalidArgument("page_token",
                "not a token this server issued; pass next_page_token from the previous response");
    }
}
