package dev.todokube.api.store;

/** The failures a store call can report; the gRPC layer maps each to one status code. */
public abstract sealed class TodoException extends RuntimeException
        permits TodoException.NotFound, TodoException.InvalidArgument, TodoException.StoreUnavailable,
                TodoException.AlreadyExists, TodoException.Rejected, TodoException.NotPermitted {

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

    /**
     * The backing database did not answer in time, or could not be reached: worth retrying, and
     * the only failure that turns health NOT_SERVING.
     */
    public static final class StoreUnavailable extends TodoException {
        private static final long serialVersionUID = 1L;

        public StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The database refused the write because a document with that key exists (duplicate key). */
    public static final class AlreadyExists extends TodoException {
        private static final long serialVersionUID = 1L;

        public AlreadyExists(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The database answered but rejected the operation (e.g. its document validation rules). */
    public static final class Rejected extends TodoException {
        private static final long serialVersionUID = 1L;

        public Rejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The service's database user may not do this: a deployment error, not the caller's. */
    public static final class NotPermitted extends TodoException {
        private static final long serialVersionUID = 1L;

        public NotPermitted(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
