package dev.todokube.bgkube.analysis;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Most of a reading's calls refused as UNAUTHENTICATED or PERMISSION_DENIED: the callers are not
 * authorised, so the reading says nothing about the service's speed or health.
 *
 * @param side {@code target} or {@code baseline}
 * @param source {@code load}, {@code metrics} or {@code prometheus}, as in {@link GateResult}
 * @param byCode the refused calls by code, in the codes' order
 */
public record Refusal(String side, String source, long refused, long calls, Map<String, Long> byCode) {

    /** The codes that mean "who are you" and "not you": a token missing, wrong or without the right. */
    static final Set<String> CODES = Set.of("UNAUTHENTICATED", "PERMISSION_DENIED");

    public Refusal {
        byCode = Collections.unmodifiableSortedMap(new TreeMap<>(byCode));
    }

    /** The refusal in a reading of calls by code, when more than half of them were refused. */
    static Optional<Refusal> of(String side, String source, Map<String, Long> callsByCode, long calls) {
        Map<String, Long> refusedByCode = callsByCode.entrySet().stream().filter(e -> CODES.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        long refused = refusedByCode.values().stream().mapToLong(Long::longValue).sum();
        return calls > 0 && refused * 2 > calls
                ? Optional.of(new Refusal(side, source, refused, calls, refusedByCode))
                : Optional.empty();
    }

    /** E.g. {@code target (load): 130 of 130 calls refused (UNAUTHENTICATED 130)}. */
    public String describe() {
        return side + " (" + source + "): " + Numbers.count(refused) + " of " + Numbers.count(calls) + " calls refused ("
                + byCode.entrySet().stream().map(e -> e.getKey() + " " + Numbers.count(e.getValue()))
                        .collect(Collectors.joining(", ")) + ")";
    }
}
