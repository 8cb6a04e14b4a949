package dev.todokube.loadtest.runner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the calls go: a static list of {@code host:port} addresses ({@code a:1,b:2}), or a DNS
 * name whose every address is used ({@code dns:///name:port}). Either way calls are balanced
 * round-robin over all addresses, so a headless Kubernetes Service spreads them over all pods.
 */
public sealed interface Target {

    /** Fixed addresses, resolved once when a channel starts. */
    record Static(List<HostAndPort> addresses) implements Target {
        public Static {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("no address");
            }
        }

        /** The same addresses starting at index {@code first} mod their count: user i's first choice is address i. */
        public Static rotatedBy(int first) {
            List<HostAndPort> rotated = new ArrayList<>(addresses);
            Collections.rotate(rotated, -Math.floorMod(first, addresses.size()));
            return new Static(rotated);
        }

        @Override
        public String toString() {
            return String.join(",", addresses.stream().map(HostAndPort::toString).toList());
        }
    }

    /** A name re-resolved by grpc's DNS resolver. */
    record Dns(HostAndPort name) implements Target {
        @Override
        public String toString() {
            return "dns:///" + name;
        }
    }

    /** One address. IPv6 literals are written in brackets: {@code [::1]:8001}. */
    record HostAndPort(String host, int port) {
        private static final Pattern FORMAT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9_.-]+):(\\d{1,5})");

        public HostAndPort {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
            }
        }

        static HostAndPort parse(String text) {
            Matcher matcher = FORMAT.matcher(text.trim());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
            }
            String host = matcher.group(1);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            return new HostAndPort(host, Integer.parseInt(matcher.group(2)));
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses {@code host:port[,host:port...]} or {@code dns:///name:port}; a {@code grpc://}
     * prefix (as typed into Locust's web UI host field) is accepted and ignored.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    static Target parse(String text) {
        String spec = text.trim();
        try {
            if (spec.startsWith("grpc://")) {
                spec = spec.substring("grpc://".length());
            }
            if (spec.startsWith("dns:///")) {
                return new Dns(HostAndPort.parse(spec.substring("dns:///".length())));
            }
            List<HostAndPort> addresses = new ArrayList<>();
            for (String part : spec.split(",", -1)) {
                addresses.add(HostAndPort.parse(part));
            }
            return new Static(addresses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host '" + text + "': " + e.getMessage()
                    + " (expected HOST:PORT[,HOST:PORT...] or dns:///NAME:PORT)", e);
        }
    }
}
