package dev.todokube.loadtest.runner;

/**
 * How users share connections: each its own channel (to every address, or to one), or a fixed pool
 * assigned round-robin.
 */
public sealed interface ChannelMode {

    /** One channel per user, connected to every address (so one connection per user and address). */
    record PerUser() implements ChannelMode {
        @Override
        public String toString() {
            return "per-user";
        }
    }

    /**
     * One channel per user holding one connection to one server, as the original's Python clients
     * behind a Kubernetes Service had: user i connects to address i mod N of a static list (the next
     * ones only while it is down); on a DNS name each user picks one address at random.
     */
    record ConnectionPerUser() implements ChannelMode {
        @Override
        public String toString() {
            return "connection-per-user";
        }
    }

    /** A pool of channels; user i uses channel i mod size. */
    record Shared(int size) implements ChannelMode {
        public Shared {
            if (size < 1) {
                throw new IllegalArgumentException("shared channel pool needs at least 1 channel, got " + size);
            }
        }

        @Override
        public String toString() {
            return "shared:" + size;
        }
    }

    /**
     * Parses {@code per-user}, {@code connection-per-user} or {@code shared:N}.
     *
     * @throws IllegalArgumentException naming the value
     */
    static ChannelMode parse(String text) {
        String spec = text.trim();
        if (spec.equals("per-user")) {
            return new PerUser();
        }
        if (spec.equals("connection-per-user")) {
            return new ConnectionPerUser();
        }
        if (spec.startsWith("shared:")) {
            try {
                return new Shared(Integer.parseInt(spec.substring("shared:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("channels '" + text + "': the pool size is not a whole number");
            }
        }
        throw new IllegalArgumentException("channels '" + text + "' is not per-user, connection-per-user or shared:N");
    }
}
