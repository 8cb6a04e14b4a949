package dev.todokube.experiment.service;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A pod's CPU limit and memory limit as Kubernetes writes them (100m, 0.5; 100Mi, 1Gi). */
public record PodBudget(String cpu, String memory) {

    private static final Pattern CPU = Pattern.compile("(\\d+)m|(\\d+)(?:\\.(\\d{1,3}))?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(Ki|Mi|Gi|k|M|G)?");

    /** Checks the form of both quantities; the budget tool checks their size and the machine. */
    public PodBudget {
        if (cpuMillis(cpu).isEmpty()) {
            throw new IllegalArgumentException("--pod-cpu '" + cpu + "' is not a CPU quantity (e.g. 100m or 0.5)");
        }
        if (!isMemory(memory)) {
            throw new IllegalArgumentException("--pod-memory '" + memory + "' is not a memory quantity (e.g. 100Mi or 1Gi)");
        }
    }

    /** A CPU quantity ({@code 100m}, {@code 0.5}, {@code 2}) in millicores; empty when it is not one. */
    public static OptionalLong cpuMillis(String quantity) {
        Matcher matcher = CPU.matcher(quantity);
        if (!matcher.matches()) {
            return OptionalLong.empty();
        }
        if (matcher.group(1) != null) {
            return OptionalLong.of(Long.parseLong(matcher.group(1)));
        }
        String fraction = matcher.group(3) == null ? "" : matcher.group(3);
        return OptionalLong.of(Long.parseLong(matcher.group(2)) * 1000
                + (fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3))));
    }

    /** Whether this is a memory quantity the budget tool takes ({@code 100Mi}, {@code 1Gi}, bytes). */
    public static boolean isMemory(String quantity) {
        return MEMORY.matcher(quantity).matches();
    }

    @Override
    public String toString() {
        return cpu + " CPU, " + memory + " memory";
    }
}
