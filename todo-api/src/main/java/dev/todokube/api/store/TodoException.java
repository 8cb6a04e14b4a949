package dev.todokube.api.store;

/** The failures a store call can report; the gRPC layer maps each to one status code. */
public abstract sealed class TodoException extends RuntimeException
        permits TodoException.NotFound, TodoException.InvalidArgument, TodoException.StoreUnavailable {

    private static final long serialVersionUID = 1L;

    private TodoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No todo has that id. */
    public static final class NotFound extends TodoException {
        private static final long serialVersionUID = 1L;

        public NotFound(TodoId id) {
            super("todo " + id.hex() + " not found", null);
        }
    }

    /** A request field is malformed or out of range; {@link #field()} names it. */
    public static final class InvalidArgument extends TodoException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public InvalidArgument(String field, String problem) {
            super(field + ": " + problem, null);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The backing database did not answer in time or refused the call. */
    public static final class StoreUnavailable extends TodoException {
        private static final long serialVersionUID = 1L;

        public StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
