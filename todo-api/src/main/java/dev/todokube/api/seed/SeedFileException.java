package dev.todokube.api.seed;

/** A seed file that cannot be read or has an invalid item; the message names the file and item. */
public final class SeedFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SeedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
