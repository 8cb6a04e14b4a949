package dev.todokube.bgkube.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD dispatcher, which answers a server-side apply (PATCH with
 * {@code application/apply-patch+yaml}) with 415 (fabric8io/mockwebserver#76), taught the part of
 * server-side apply bg-kube relies on: the object is created when absent, and otherwise the
 * applied fields are merged into it (a JSON merge patch: maps merged, lists replaced, fields the
 * manifest does not mention kept). Not simulated: managedFields, conflicts between managers, and
 * the removal of fields bg-kube applied before and no longer applies (bg-kube removes the
 * annotations it drops explicitly, so that works on both). Each apply's path, with its
 * fieldManager and force parameters, is recorded.
 */
final class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {

    private static final String APPLY_PATCH = "application/apply-patch";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<String> applies = new CopyOnWriteArrayList<>();

    /** Paths (with query) of the server-side applies received, in order. */
    List<String> applies() {
        return List.copyOf(applies);
    }

    void clearApplies() {
        applies.clear();
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.startsWith(MERGE_PATCH)) {
            return mergePatch(request);
        }
        if (contentType == null || !contentType.startsWith(APPLY_PATCH)) {
            return super.handlePatch(request);
        }
        applies.add(request.getPath());
        String path = request.getPath().split("\\?", 2)[0];
        // The body is YAML (or JSON, which is YAML too); the CRUD handlers read JSON.
        String json = SERIALIZATION.asJson(SERIALIZATION.unmarshal(request.getUtf8Body(), GenericKubernetesResource.class));
        if (handleGet(path).code() == 404) {
            return handleCreate(new RecordedRequest(request.getHttpVersion(), HttpMethod.POST,
                    path.substring(0, path.lastIndexOf('/')), headers("application/json"), new Buffer().writeUtf8(json)));
        }
        return super.handlePatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PATCH, path,
                headers("application/merge-patch+json"), new Buffer().writeUtf8(json)));
    }

    /**
     * A JSON merge patch as RFC 7386 has it (the CRUD mode stores a null instead of removing the key):
     * merged here into the stored object, which is then replaced at its resourceVersion.
     */
    private MockResponse mergePatch(RecordedRequest request) {
        String path = request.getPath().split("\\?", 2)[0];
        MockResponse current = handleGet(path);
        if (current.code() != 200) {
            return current;
        }
        try {
            JsonNode merged = merge(MAPPER.readTree(current.getBody().readUtf8()), MAPPER.readTree(request.getUtf8Body()));
            return handleUpdate(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, headers("application/json"),
                    new Buffer().writeUtf8(MAPPER.writeValueAsString(merged))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
        patch.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        });
        return result;
    }

    private static Headers headers(String contentType) {
        return Headers.builder().set("Content-Type", contentType).build();
    }
}
