package dev.todokube.loadtest.runner;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Plaintext (the default) or TLS; with TLS, the server certificate is checked against the given
 * CA file, or against the JVM's trusted CAs when there is none.
 */
public record Transport(boolean tls, Optional<Path> caFile) {

    public static Transport plaintext() {
        return new Transport(false, Optional.empty());
    }
}
