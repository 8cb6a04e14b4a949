package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher (it stores objects, answers gets, lists and watches, keeps
 * resourceVersion and generation) with the API server's write path in front of it: every write
 * goes through the {@link FieldManager} (managedFields, server-side apply), JSON and merge patches
 * as RFC 6902 and 7386, the status and scale subresources, and {@link LifecycleValidation}. Each
 * write computes the whole new object and stores it with one create or replace, under one lock,
 * so writes are atomic to each other. Strategic merge patches are answered 415, as by fabric8's
 * CRUD mode.
 */
final class ApiServerDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern OBJECT_PATH = Pattern.compile(
            "^((?:/api/v1|/apis/[^/]+/[^/]+)(?:/namespaces/[^/]+)?/[^/]+)(?:/([^/]+)(?:/(status|scale))?)?$");
    private static final String APPLY = "application/apply-patch";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";

    private final FieldManager fieldManager;
    private final ReentrantLock writes = new ReentrantLock();

    ApiServerDispatcher(Clock clock) {
        this.fieldManager = new FieldManager(clock);
    }

    /** What a request addresses: a collection, an object, or an object's status or scale. */
    private record Target(String collection, String name, String subresource, Map<String, String> query) {
        String object() {
            return collection + "/" + name;
        }

        static Optional<Target> of(String pathAndQuery) {
            String[] parts = pathAndQuery.split("\\?", 2);
            Matcher m = OBJECT_PATH.matcher(parts[0]);
            if (!m.matches()) {
                return Optional.empty();
            }
            Map<String, String> query = new LinkedHashMap<>();
            if (parts.length > 1) {
                for (String pair : parts[1].split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            return Optional.of(new Target(m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3), query));
        }

        private static String decode(String text) {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Optional<Target> target = Target.of(request.getPath());
        try {
            if (request.method() == HttpMethod.GET && target.filter(t -> "scale".equals(t.subresource())).isPresent()) {
                return current(target.get()).map(live -> json(200, scale(live)))
                        .orElseGet(() -> notFound(target.get()));
            }
            return switch (request.method()) {
                case POST -> locked(() -> create(request, target));
                case PUT -> locked(() -> target.map(t -> replace(request, t)).orElseGet(() -> super.dispatch(request)));
                case PATCH -> locked(() -> target.map(t -> patch(request, t)).orElseGet(() -> super.dispatch(request)));
                case DELETE -> locked(() -> super.dispatch(request));
                default -> super.dispatch(request);
            };
        } catch (StatusError e) {
            return e.response();
        }
    }

    private MockResponse locked(Supplier<MockResponse> write) {
        writes.lock();
        try {
            return write.get();
        } catch (StatusError e) {
            return e.response();
        } finally {
            writes.unlock();
        }
    }

    private MockResponse create(RecordedRequest request, Optional<Target> target) {
        Map<String, Object> object = body(request);
        LifecycleValidation.validate(object);
        Map<String, Object> stored = fieldManager.update(Map.of(), object, manager(request, target), "");
        return store(request.getPath().split("\\?", 2)[0], null, stored);
    }

    private MockResponse replace(RecordedRequest request, Target target) {
        Optional<Map<String, Object>> current = current(target);
        if (current.isEmpty()) {
            return notFound(target);
        }
        Map<String, Object> live = current.get();
        Map<String, Object> body = body(request);
        Map<String, Object> next = switch (target.subresource()) {
            case "status" -> withStatusOf(live, body);
            case "scale" -> withReplicas(live, body);
            default -> body;
        };
        return write(request, target, live, next);
    }

    private MockResponse patch(RecordedRequest request, Target target) {
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        if (contentType.startsWith(APPLY)) {
            return apply(request, target);
        }
        Optional<Map<String, Object>> current = current(target);
        if (current.isEmpty()) {
            return notFound(target);
        }
        Map<String, Object> live = current.get();
        Map<String, Object> patched = "scale".equals(target.subresource()) ? scale(live) : live;
        Object patch = JsonTree.parse(request.getUtf8Body());
        if (contentType.startsWith(JSON_PATCH)) {
            patched = Patches.jsonPatch(patched, patch);
        } else if (contentType.startsWith(MERGE_PATCH)) {
            patched = Patches.mergePatch(patched, patch);
        } else {
            throw new StatusError(415, "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml "
                    + "(strategic merge patch is not modelled by the mock API server)");
        }
        Map<String, Object> next = switch (target.subresource()) {
            case "status" -> withStatusOf(live, patched);
            case "scale" -> withReplicas(live, patched);
            default -> patched;
        };
        return write(request, target, live, next);
    }

    private MockResponse write(RecordedRequest request, Target target, Map<String, Object> live, Map<String, Object> next) {
        LifecycleValidation.validate(next);
        Map<String, Object> stored = fieldManager.update(live, next, manager(request, Optional.of(target)), target.subresource());
        MockResponse response = store(target.object(), live, stored);
        if ("scale".equals(target.subresource()) && response.code() == 200) {
            return current(target).map(object -> json(200, scale(object))).orElse(response);
        }
        return response;
    }

    private MockResponse apply(RecordedRequest request, Target target) {
        String manager = target.query().get("fieldManager");
        if (manager == null || manager.isEmpty()) {
            throw new StatusError(400, "PATCH " + target.object() + ": fieldManager is required for apply requests");
        }
        if (!target.subresource().isEmpty()) {
            throw new StatusError(415, "server-side apply to the " + target.subresource()
                    + " subresource is not modelled by the mock API server");
        }
        Map<String, Object> config = body(request);
        String name = JsonTree.string(config, "metadata", "name").orElse("");
        if (!name.equals(target.name())) {
            throw new StatusError(400, "the name of the object (" + name + ") does not match the name on the URL ("
                    + target.name() + ")");
        }
        Optional<Map<String, Object>> current = current(target);
        Map<String, Object> live = current.orElse(Map.of());
        Map<String, Object> stored = fieldManager.apply(live, config, manager, "true".equals(target.query().get("force")));
        LifecycleValidation.validate(stored);
        if (current.isPresent() && JsonTree.equal(live, stored)) {
            return json(200, live);
        }
        return current.isEmpty() ? store(target.collection(), null, stored) : store(target.object(), live, stored);
    }

    /** Creates (no live object) or replaces through fabric8's CRUD handlers, which keep uid, resourceVersion and generation. */
    private MockResponse store(String path, Map<String, Object> live, Map<String, Object> object) {
        Map<String, Object> body = JsonTree.copyObject(object);
        Headers headers = Headers.builder().set("Content-Type", "application/json").build();
        if (live == null) {
            return handleCreate(new RecordedRequest("HTTP/1.1", HttpMethod.POST, path, headers,
                    new Buffer().writeUtf8(JsonTree.write(body))));
        }
        Map<String, Object> metadata = JsonTree.child(body, "metadata");
        if (metadata.get("resourceVersion") == null) {
            metadata.put("resourceVersion", JsonTree.string(live, "metadata", "resourceVersion").orElse(null));
        }
        return handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, path, headers,
                new Buffer().writeUtf8(JsonTree.write(body))));
    }

    private Optional<Map<String, Object>> current(Target target) {
        MockResponse response = handleGet(target.object());
        return response.code() == 200 ? Optional.of(JsonTree.parseObject(response.getBody().readUtf8())) : Optional.empty();
    }

    /**
     * The field manager of a write: {@code ?fieldManager=}, else what the API server takes, the
     * User-Agent up to its first '/' ({@code fabric8-kubernetes-client}, {@code kubectl}).
     */
    private static String manager(RecordedRequest request, Optional<Target> target) {
        String given = target.map(t -> t.query().get("fieldManager")).orElse(null);
        if (given != null && !given.isEmpty()) {
            return given;
        }
        String userAgent = Optional.ofNullable(request.getHeader("User-Agent")).orElse("");
        int slash = userAgent.indexOf('/');
        return slash < 0 ? userAgent : userAgent.substring(0, slash);
    }

    private static Map<String, Object> body(RecordedRequest request) {
        try {
            return JsonTree.parseObject(request.getUtf8Body());
        } catch (RuntimeException e) {
            throw new StatusError(400, "the request body is not a Kubernetes object: " + e.getMessage());
        }
    }

    /** The live object with the status of {@code source}; a status write changes nothing else. */
    private static Map<String, Object> withStatusOf(Map<String, Object> live, Map<String, Object> source) {
        Map<String, Object> next = JsonTree.copyObject(live);
        Object status = source.get("status");
        if (status == null) {
            next.remove("status");
        } else {
            next.put("status", JsonTree.copy(status));
        }
        JsonTree.string(source, "metadata", "resourceVersion")
                .ifPresent(version -> JsonTree.child(next, "metadata").put("resourceVersion", version));
        return next;
    }

    /** The live object with the replicas a Scale asks for. */
    private static Map<String, Object> withReplicas(Map<String, Object> live, Map<String, Object> scale) {
        Object replicas = JsonTree.object(scale, "spec").map(s -> s.get("replicas")).orElse(null);
        if (!(replicas instanceof Number)) {
            throw new StatusError(422, "Scale.autoscaling \"" + JsonTree.string(live, "metadata", "name").orElse("")
                    + "\" is invalid: spec.replicas: Required value");
        }
        Map<String, Object> next = JsonTree.copyObject(live);
        JsonTree.child(next, "spec").put("replicas", replicas);
        JsonTree.string(scale, "metadata", "resourceVersion")
                .ifPresent(version -> JsonTree.child(next, "metadata").put("resourceVersion", version));
        return next;
    }

    /** The autoscaling/v1 Scale of a Deployment (or any object with spec.replicas), as the scale subresource shows it. */
    private static Map<String, Object> scale(Map<String, Object> object) {
        Map<String, Object> metadata = JsonTree.object(object, "metadata").orElse(Map.of());
        Map<String, Object> scale = new LinkedHashMap<>();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        Map<String, Object> scaleMetadata = new LinkedHashMap<>();
        for (String key : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (metadata.containsKey(key)) {
                scaleMetadata.put(key, metadata.get(key));
            }
        }
        scale.put("metadata", scaleMetadata);
        Object replicas = JsonTree.object(object, "spec").map(s -> s.get("replicas")).orElse(1);
        scale.put("spec", Map.of("replicas", replicas));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("replicas", JsonTree.object(object, "status").map(s -> s.get("replicas")).orElse(0));
        JsonTree.object(object, "spec", "selector", "matchLabels").ifPresent(labels -> status.put("selector",
                String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList())));
        scale.put("status", status);
        return scale;
    }

    private static MockResponse notFound(Target target) {
        String resource = target.collection().substring(target.collection().lastIndexOf('/') + 1);
        return new StatusError(404, resource + " \"" + target.name() + "\" not found").response();
    }

    private static MockResponse json(int code, Map<String, Object> body) {
        return new MockResponse().setResponseCode(code).setBody(JsonTree.write(body))
                .setHeader("Content-Type", "application/json");
    }
}
