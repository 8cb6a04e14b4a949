package dev.todokube.bgkube.testing;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which requests to the mock API server a fault rule (or a look at the log) is about: by method
 * (or any write: POST, PUT, PATCH, DELETE), a regular expression found (or not found) in the path, a
 * namespace, a text in a write's body. Requests of the simulated controllers
 * ({@link ApiRequest#fromController()}) are left out unless asked for, so that "the next write to a
 * Deployment" means bg-kube's, not a status update of the {@link ClusterSimulator}. Immutable: each
 * method returns a narrower matcher.
 */
public record RequestMatcher(Set<String> methods, Optional<Pattern> path, Optional<Pattern> notPath,
        Optional<String> namespace, Optional<String> body, boolean controllers) implements Predicate<ApiRequest> {

    /** Every request (reads and writes). */
    public static RequestMatcher any() {
        return new RequestMatcher(Set.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    /** POST, PUT, PATCH and DELETE. */
    public static RequestMatcher writes() {
        return any().withMethods(ApiRequest.WRITES);
    }

    /** Requests with one of these methods, e.g. {@code method("GET")}. */
    public static RequestMatcher method(String... methods) {
        return any().withMethods(Set.copyOf(Arrays.asList(methods)));
    }

    private RequestMatcher withMethods(Set<String> newMethods) {
        return new RequestMatcher(newMethods, path, notPath, namespace, body, controllers);
    }

    /**
     * Only requests whose path (query excluded) contains a match of this regular expression,
     * e.g. {@code "/deployments/todo-api-green$"} (the object, not its /status or /scale).
     */
    public RequestMatcher path(String regex) {
        return new RequestMatcher(methods, Optional.of(Pattern.compile(regex)), notPath, namespace, body, controllers);
    }

    /** Only requests whose path contains no match of this regular expression, e.g. {@code "/leases/"}. */
    public RequestMatcher notPath(String regex) {
        return new RequestMatcher(methods, path, Optional.of(Pattern.compile(regex)), namespace, body, controllers);
    }

    /** Only requests to objects in this namespace. */
    public RequestMatcher inNamespace(String name) {
        return new RequestMatcher(methods, path, notPath, Optional.of(name), body, controllers);
    }

    /** Only writes whose body contains this text. */
    public RequestMatcher bodyContaining(String text) {
        return new RequestMatcher(methods, path, notPath, namespace, Optional.of(text), controllers);
    }

    /** Requests of the simulated controllers count too. */
    public RequestMatcher includingControllers() {
        return new RequestMatcher(methods, path, notPath, namespace, body, true);
    }

    @Override
    public boolean test(ApiRequest request) {
        return (controllers || !request.fromController())
                && (methods.isEmpty() || methods.contains(request.method()))
                && path.map(p -> p.matcher(request.path()).find()).orElse(true)
                && notPath.map(p -> !p.matcher(request.path()).find()).orElse(true)
                && namespace.map(ns -> request.path().contains("/namespaces/" + ns + "/")).orElse(true)
                && body.map(text -> request.body().map(b -> b.contains(text)).orElse(false)).orElse(true);
    }
}
