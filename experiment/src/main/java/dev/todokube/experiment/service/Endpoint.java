package dev.todokube.experiment.service;

/** A TCP endpoint as {@code host:port}. */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("endpoint port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
