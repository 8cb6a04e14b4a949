package dev.todokube.experiment.service;

import java.util.regex.Pattern;

/** A pod's CPU limit and memory limit as Kubernetes writes them (100m, 0.5; 100Mi, 1Gi). */
public record PodBudget(String cpu, String memory) {

    private static final Pattern CPU = Pattern.compile("\\d+m|\\d+(\\.\\d{1,3})?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(Ki|Mi|Gi|k|M|G)?");

    /** Checks the form of both quantities; the budget tool checks their size and the machine. */
    public PodBudget {
        if (!CPU.matcher(cpu).matches()) {
            throw new IllegalArgumentException("--pod-cpu '" + cpu + "' is not a CPU quantity (e.g. 100m or 0.5)");
        }
        if (!MEMORY.matcher(memory).matches()) {
            throw new IllegalArgumentException("--pod-memory '" + memory + "' is not a memory quantity (e.g. 100Mi or 1Gi)");
        }
    }

    @Override
    public String toString() {
        return cpu + " CPU, " + memory + " memory";
    }
}
