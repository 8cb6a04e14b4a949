package dev.todokube.experiment.rehearsal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The CPU time a pod's cgroup has used, read as the kubelet's cAdvisor reads it: cgroup v1's
 * {@code cpuacct.usage} (nanoseconds), or v2's {@code usage_usec} in {@code cpu.stat}. The cgroup is
 * the one the pod's process is in ({@code /proc/PID/cgroup}), so everything the pod runs counts.
 */
final class CgroupCpu {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final Path usageFile;
    private final boolean v2;

    private CgroupCpu(Path usageFile, boolean v2) {
        this.usageFile = usageFile;
        this.v2 = v2;
    }

    /**
     * The cgroup of {@code pid}; empty while it is still this JVM's own (the pod's process has not
     * joined its cgroup yet) or the process is gone.
     */
    static Optional<CgroupCpu> of(long pid) {
        Optional<CgroupCpu> own = locate(Path.of("/proc/self/cgroup"));
        Optional<CgroupCpu> pods = locate(Path.of("/proc/" + pid + "/cgroup"));
        if (pods.isEmpty() || own.map(o -> o.usageFile.equals(pods.get().usageFile)).orElse(false)) {
            return Optional.empty();
        }
        return pods;
    }

    /** CPU time used so far, in nanoseconds. */
    long usageNanos() throws IOException {
        if (!v2) {
            return Long.parseLong(Files.readAllLines(usageFile, StandardCharsets.US_ASCII).get(0).strip());
        }
        for (String line : Files.readAllLines(usageFile, StandardCharsets.US_ASCII)) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring("usage_usec ".length()).strip()) * 1000;
            }
        }
        throw new IOException(usageFile + " has no usage_usec");
    }

    /** Identifies the cgroup: a restarted container is in a new one, whose counter starts again. */
    Path usageFile() {
        return usageFile;
    }

    // Lines are "ID:CONTROLLERS:PATH": v1 names cpuacct (alone or with cpu), v2 has one line "0::PATH".
    private static Optional<CgroupCpu> locate(Path procCgroup) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procCgroup, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return Optional.empty();
        }
        Optional<CgroupCpu> unified = Optional.empty();
        for (String line : lines) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            String path = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
            if (List.of(fields[1].split(",")).contains("cpuacct")) {
                Path usage = ROOT.resolve(fields[1]).resolve(path).resolve("cpuacct.usage");
                if (Files.isReadable(usage)) {
                    return Optional.of(new CgroupCpu(usage, false));
                }
            } else if (fields[0].equals("0") && fields[1].isEmpty()) {
                Path stat = ROOT.resolve(path).resolve("cpu.stat");
                if (Files.isReadable(stat)) {
                    unified = Optional.of(new CgroupCpu(stat, true));
                }
            }
        }
        return unified;
    }
}
