package dev.todokube.loadtest.user;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The tasks of a simulated user with their weights, as Locust's {@code @task(weight)}: each
 * iteration picks one task with probability weight / sum of weights.
 */
public record TaskSet(Map<Rpc, Integer> weights) {

    /** The original load test's only task. */
    public static final TaskSet DEFAULT = new TaskSet(Map.of(Rpc.GetTodos, 1));

    public TaskSet {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("at least one task is needed");
        }
        weights.forEach((rpc, weight) -> {
            if (weight < 1) {
                throw new IllegalArgumentException("weight of task " + rpc + " must be at least 1, got " + weight);
            }
        });
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /**
     * Parses {@code GetTodos=3,ListTodos=1}; a task without {@code =weight} has weight 1.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static TaskSet parse(String spec) {
        Map<Rpc, Integer> weights = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            String[] nameAndWeight = item.split("=", 2);
            Rpc rpc = Rpc.named(nameAndWeight[0].trim());
            int weight;
            try {
                weight = nameAndWeight.length == 2 ? Integer.parseInt(nameAndWeight[1].trim()) : 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of task " + rpc + " is not a whole number: '" + nameAndWeight[1] + "'");
            }
            if (weights.put(rpc, weight) != null) {
                throw new IllegalArgumentException("task " + rpc + " is listed twice");
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no task in '" + spec + "'");
        }
        return new TaskSet(weights);
    }

    /** Picks the next task at random, respecting the weights. */
    public Rpc pick(RandomGenerator random) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int ticket = random.nextInt(total);
        for (Map.Entry<Rpc, Integer> entry : weights.entrySet()) {
            ticket -= entry.getValue();
            if (ticket < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("weights changed while picking");
    }

    /** Written back the way {@link #parse} reads it. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        weights.forEach((rpc, weight) -> parts.add(rpc + "=" + weight));
        return parts.stream().collect(Collectors.joining(","));
    }
}
