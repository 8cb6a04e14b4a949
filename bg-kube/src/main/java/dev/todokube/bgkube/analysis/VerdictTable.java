package dev.todokube.bgkube.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The verdict as text: one row per side and source (latency and throughput of the OK calls), how
 * each side was reached when the plan says, one row per gate, then the verdict line.
 */
public final class VerdictTable {

    private VerdictTable() {
    }

    public static String render(AnalysisResult result) {
        List<List<String>> sides = new ArrayList<>();
        sides.add(List.of("side", "source", "calls", "errors", "error rate", "p50", "p95", "p99", "ok/s"));
        List<SideResult> all = new ArrayList<>(List.of(result.target()));
        result.baseline().ifPresent(all::add);
        for (SideResult side : all) {
            sides.add(List.of(side.side(), "load", Numbers.count(side.calls()), Numbers.count(side.failures()),
                    Numbers.percent(side.errorRate()), Numbers.millis(side.p50Ms()), Numbers.millis(side.p95Ms()),
                    Numbers.millis(side.p99Ms()), Numbers.rate(side.okPerSecond())));
            side.server().forEach(server -> sides.add(List.of(side.side(), server.source(), Numbers.count(server.calls()),
                    Numbers.count(server.errors()), Numbers.percent(server.errorRate()), "", "",
                    Numbers.millis(server.p99Ms()), "")));
        }
        StringBuilder text = new StringBuilder();
        table(sides, 2, text);
        text.append("(p50, p95, p99 and ok/s: the OK calls only)\n");
        result.plan().routes().ifPresent(routes -> {
            text.append("target reached through ").append(routes.target().describe()).append('\n');
            routes.baseline().ifPresent(route -> text.append("baseline reached through ").append(route.describe())
                    .append('\n'));
            if (!routes.alike()) {
                text.append("note: the sides were reached through different kinds of path, so a ratio of their "
                        + "latencies compares the paths as well as the versions\n");
            }
        });
        for (SideResult side : all) {
            String errors = codes(side.errors());
            if (!errors.isEmpty()) {
                text.append(side.side()).append(" errors (load): ").append(errors).append('\n');
            }
            for (ServerMetrics server : side.server()) {
                String serverCodes = codes(server.callsByCode());
                if (!serverCodes.isEmpty()) {
                    text.append(side.side()).append(" calls by code (").append(server.source()).append("): ")
                            .append(serverCodes).append('\n');
                }
            }
        }
        text.append('\n');
        if (result.verdict().gates().isEmpty()) {
            text.append("no gates set\n");
        } else {
            List<List<String>> gates = new ArrayList<>();
            gates.add(List.of("gate", "side", "source", "threshold", "value", "result"));
            for (GateResult gate : result.verdict().gates()) {
                gates.add(List.of(gate.gate(), gate.side(), gate.source(), gate.threshold(), gate.value(),
                        gate.passed() ? "pass" : "FAIL"));
            }
            table(gates, 3, text);
        }
        text.append('\n').append("verdict: ").append(result.verdict().passed() ? "PASS" : "FAIL").append(" (")
                .append(result.verdict().reason()).append(")\n");
        return text.toString();
    }

    private static String codes(Map<String, Long> byCode) {
        return byCode.entrySet().stream().map(e -> e.getKey() + " " + Numbers.count(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The first {@code textColumns} columns left-aligned, the rest (figures) right-aligned, two spaces apart. */
    private static void table(List<List<String>> rows, int textColumns, StringBuilder text) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? "" : "  ").append(i < textColumns ? cell + pad : pad + cell);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
