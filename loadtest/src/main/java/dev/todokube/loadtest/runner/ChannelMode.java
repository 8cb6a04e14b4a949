package dev.todokube.loadtest.runner;

/** How users share connections: each its own channel, or a fixed pool assigned round-robin. */
public sealed interface ChannelMode {

    /** One channel (so at least one connection per address) per user, as the original's Python client. */
    record PerUser() implements ChannelMode {
        @Override
        public String toString() {
            return "per-user";
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
     * Parses {@code per-user} or {@code shared:N}.
     *
     * @throws IllegalArgumentException naming the value
     */
    static ChannelMode parse(String text) {
        String spec = text.trim();
        if (spec.equals("per-user")) {
            return new PerUser();
        }
        if (spec.startsWith("shared:")) {
            try {
                return new Shared(Integer.parseInt(spec.substring("shared:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("channels '" + text + "': the pool size is not a whole number");
            }
        }
        throw new IllegalArgumentException("channels '" + text + "' is not per-user or shared:N");
    }
}
