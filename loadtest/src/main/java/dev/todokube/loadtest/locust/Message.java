package dev.todokube.loadtest.locust;

/**
 * One message of Locust's master/worker protocol, on the wire the msgpack array
 * {@code [type, data, node_id]}. {@code data} is null, a String, Long, Double, Boolean, List or Map
 * (as msgpack decodes it).
 */
public record Message(String type, Object data, String nodeId) {
}
