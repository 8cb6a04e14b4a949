package dev.todokube.loadtest.stats;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How often one request name failed with one error (for gRPC: the status code name, such as
 * {@code UNAVAILABLE}) during one interval.
 */
public record ErrorCount(String method, String name, String error, long occurrences) {

    /**
     * The key Locust files this error under: the SHA-256 of {@code method.name.repr(error)}, so
     * the same failure reported by several workers lands in one row on the master.
     */
    public String locustKey() {
        String pythonRepr = "'" + error.replace("\\", "\\\\").replace("'", "\\'") + "'";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((method + "." + name + "." + pythonRepr).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
