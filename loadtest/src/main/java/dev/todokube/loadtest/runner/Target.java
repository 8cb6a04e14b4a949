package dev.todokube.loadtest.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the calls go: a static list of {@code host:port} addresses ({@code a:1,b:2}), a DNS
 * name whose every address is used ({@code dns:///name:port}), or a file listing the addresses
 * ({@code file:PATH}). Either way calls are balanced round-robin over all addresses, so a headless
 * Kubernetes Service spreads them over all pods.
 */
public sealed interface Target {

    /** A target whose addresses this tool lists itself, without DNS. */
    sealed interface Listed extends Target {
        /**
         * The addresses to use now.
         *
         * @throws IOException naming what could not be read or parsed
         */
        List<HostAndPort> resolve() throws IOException;
    }

    /** Fixed addresses, resolved once when a channel starts. */
    record Static(List<HostAndPort> addresses) implements Listed {
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
        public List<HostAndPort> resolve() {
            return addresses;
        }

        @Override
        public String toString() {
            return String.join(",", addresses.stream().map(HostAndPort::toString).toList());
        }
    }

    /**
     * A file of {@code HOST:PORT} lines (blank lines and {@code #} comments ignored), read again
     * whenever a channel resolves its target: when it starts and when a connection ends (a server's
     * max connection age, a drain). So a client follows the list as a headless Service's client
     * follows its DNS record: a new address gets calls once connections are renewed, never before
     * it is listed. Whoever writes the file should replace it atomically (write, then rename).
     */
    record AddressFile(Path file) implements Listed {
        @Override
        public List<HostAndPort> resolve() throws IOException {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IOException("no file " + file, e);
            }
            List<HostAndPort> addresses = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    addresses.add(HostAndPort.parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
            if (addresses.isEmpty()) {
                throw new IOException("no address in " + file);
            }
            return List.copyOf(addresses);
        }

        @Override
        public String toString() {
            return "file:" + file;
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
     * Parses {@code host:port[,host:port...]}, {@code dns:///name:port} or {@code file:PATH}
     * ({@code file:///abs/path} too); a {@code grpc://} prefix (as typed into Locust's web UI host
     * field) is accepted and ignored. A file is not read here: it may be written later.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    static Target parse(String text) {
        String spec = text.trim();
        try {
            if (spec.startsWith("grpc://")) {
                spec = spec.substring("grpc://".length());
            }
            if (spec.startsWith("file:")) {
                String path = spec.substring("file:".length());
                if (path.startsWith("//")) {
                    path = path.substring(2);
                }
                if (path.isBlank()) {
                    throw new IllegalArgumentException("no file after 'file:'");
                }
                return new AddressFile(Path.of(path));
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
                    + " (expected HOST:PORT[,HOST:PORT...], dns:///NAME:PORT or file:PATH)", e);
        }
    }
}
