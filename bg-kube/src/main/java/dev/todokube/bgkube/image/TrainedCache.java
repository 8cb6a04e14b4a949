package dev.todokube.bgkube.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A class/AOT cache that an application's build trained beside its jar, as todo-api's does: a
 * descriptor {@code <jar name>.cache} names the JVM that wrote the cache (line 1) and the JVM flags
 * that map it (line 2, with {@code -XX:AOTCache=FILE} or {@code -XX:SharedArchiveFile=FILE}). A cache
 * maps only in the JVM build that wrote it and beside the very jar it was trained with (same size and
 * modification time; the directories may differ), so the image carries that JVM too.
 */
record TrainedCache(Path descriptor, Path javaHome, Path cacheFile, List<String> flags) {

    private static final List<String> CACHE_FLAGS = List.of("-XX:AOTCache=", "-XX:SharedArchiveFile=");

    TrainedCache {
        flags = List.copyOf(flags);
    }

    /**
     * The cache trained beside {@code jar}, if there is one its launcher would use: a descriptor
     * newer than the jar, naming a JVM and a cache file that exist.
     *
     * @return empty, with the reason in {@code why}, when there is none
     */
    static Optional<TrainedCache> beside(Path jar, List<String> why) throws IOException {
        String name = jar.getFileName().toString();
        Path descriptor = jar.resolveSibling(name.endsWith(".jar") ? name.substring(0, name.length() - 4) + ".cache" : name + ".cache");
        if (!Files.isRegularFile(descriptor)) {
            why.add("no trained cache beside the jar (" + descriptor + ")");
            return Optional.empty();
        }
        if (Files.getLastModifiedTime(descriptor).compareTo(Files.getLastModifiedTime(jar)) <= 0) {
            why.add("the trained cache " + descriptor + " is older than the jar (train it again: mvn package)");
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(descriptor);
        if (lines.size() < 2) {
            why.add(descriptor + " is not a cache descriptor (the JVM, then the flags that map the cache)");
            return Optional.empty();
        }
        Path java = Path.of(lines.get(0).strip());
        Path javaHome = java.getParent() == null ? null : java.getParent().getParent();
        if (javaHome == null || !Files.isExecutable(java)) {
            why.add("the JVM that wrote the cache, " + java + ", is not here");
            return Optional.empty();
        }
        List<String> flags = List.of(lines.get(1).strip().split("\\s+"));
        Optional<Path> cacheFile = flags.stream().map(TrainedCache::cachePath).flatMap(Optional::stream).findFirst();
        if (cacheFile.isEmpty() || !Files.isRegularFile(cacheFile.get())) {
            why.add(descriptor + " names no cache file that exists");
            return Optional.empty();
        }
        return Optional.of(new TrainedCache(descriptor, javaHome, cacheFile.get(), flags));
    }

    /** The descriptor's text for the image: the JVM and the cache at their paths there. */
    String descriptorIn(String javaInImage, String cacheInImage) {
        List<String> moved = new ArrayList<>();
        for (String flag : flags) {
            moved.add(cachePath(flag).isPresent() ? flag.substring(0, flag.indexOf('=') + 1) + cacheInImage : flag);
        }
        return javaInImage + "\n" + String.join(" ", moved) + "\n";
    }

    private static Optional<Path> cachePath(String flag) {
        return CACHE_FLAGS.stream().filter(flag::startsWith).findFirst().map(prefix -> Path.of(flag.substring(prefix.length())));
    }
}
