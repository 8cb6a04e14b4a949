package dev.todokube.bgkube.testing;

import io.fabric8.mockwebserver.http.MockResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal the API server answers with a Kubernetes {@code Status} body: the HTTP code, the
 * reason the code stands for (as the API server names it) and a message; writes stop with it and
 * nothing is stored.
 */
final class StatusError extends RuntimeException {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "BadRequest"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "NotFound"),
            Map.entry(409, "Conflict"),
            Map.entry(415, "UnsupportedMediaType"),
            Map.entry(422, "Invalid"),
            Map.entry(429, "TooManyRequests"),
            Map.entry(500, "InternalError"),
            Map.entry(503, "ServiceUnavailable"),
            Map.entry(504, "Timeout"));

    private final int code;
    private final Map<String, Object> details;

    StatusError(int code, String message) {
        this(code, message, Map.of());
    }

    StatusError(int code, String message, Map<String, Object> details) {
        super(message);
        this.code = requireKnown(code);
        this.details = details;
    }

    /** The code, if the API server has a Status reason for it; else an error listing those it has. */
    static int requireKnown(int code) {
        if (!REASONS.containsKey(code)) {
            throw new IllegalArgumentException("no Kubernetes status reason for HTTP " + code + "; known: "
                    + REASONS.keySet().stream().sorted().toList());
        }
        return code;
    }

    /** A 422 naming the object and its invalid fields, as the API server words it. */
    static StatusError invalid(String qualifiedKind, String name, List<FieldError> errors) {
        String text = errors.size() == 1 ? errors.get(0).text()
                : errors.stream().map(FieldError::text).toList().toString();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        int dot = qualifiedKind.indexOf('.');
        details.put("group", dot < 0 ? "" : qualifiedKind.substring(dot + 1));
        details.put("kind", dot < 0 ? qualifiedKind : qualifiedKind.substring(0, dot));
        details.put("causes", errors.stream().map(e -> Map.<String, Object>of(
                "reason", e.reason(), "message", e.type() + ": " + e.detail(), "field", e.field())).toList());
        return new StatusError(422, qualifiedKind + " \"" + name + "\" is invalid: " + text, details);
    }

    /** One invalid field: {@code type} as the API server prints it (Forbidden, Required), {@code reason} as its Status cause names it. */
    record FieldError(String field, String type, String reason, String detail) {
        String text() {
            return field + ": " + type + ": " + detail;
        }
    }

    int code() {
        return code;
    }

    String reason() {
        return REASONS.get(code);
    }

    Map<String, Object> body() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", getMessage());
        status.put("reason", reason());
        if (!details.isEmpty()) {
            status.put("details", details);
        }
        status.put("code", code);
        return status;
    }

    MockResponse response() {
        MockResponse response = new MockResponse().setResponseCode(code).setBody(JsonTree.write(body()))
                .setHeader("Content-Type", "application/json");
        if (code == 429) {
            response.setHeader("Retry-After", "1");
        }
        return response;
    }
}
