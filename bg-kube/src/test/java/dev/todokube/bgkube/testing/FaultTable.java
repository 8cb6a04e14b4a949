package dev.todokube.bgkube.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fault table of bg-kube's README, written from what the fault matrix saw: one row per case
 * (command, step, fault, what bg-kube did, what the user sees). The committed file must be what the
 * suite writes: a change of behaviour shows in the table's diff, or fails the build until the table is
 * written again ({@code -Dbgkube.faultTable=write}).
 */
public final class FaultTable {

    /** One case's row; {@code order} places it in the table. */
    public record Row(int order, String command, String step, String fault, String did, String sees) {}

    private static final String HEADER = """
            <!-- Written by bg-kube's FaultMatrixTest from what it saw; do not edit: run
                 mvn -B verify -pl bg-kube -am -Dtest=FaultMatrixTest -Dsurefire.failIfNoSpecifiedTests=false -Dbgkube.faultTable=write -->
            # bg-kube under faults

            Each row is one case of `FaultMatrixTest`: bg-kube's command run against the mock cluster (or as its
            own process, for the signals) with one fault at one step, then the next command a user would run.
            After every case the suite checked bg-kube's five promises: the public Service selects a color with
            ready pods at the live capacity; the previous color was never scaled down before the new one was
            verified; the lease was released, or expired and was taken over; the message names the step and what
            to run next; the migrations were rolled back, or are recorded for a rollback.
            Timings are the tests' (bg-kube retries the API server for 3 s here, 60 s in production; its lease
            lasts 3 s here, 60 s in production).

            | command | step | fault | what bg-kube did | what the user sees |
            | --- | --- | --- | --- | --- |
            """;

    private final Path committed;
    private final Path written;
    private final Map<Integer, Row> rows = new ConcurrentHashMap<>();

    /**
     * @param committed the table in the repository, e.g. {@code bg-kube/docs/fault-table.md}
     * @param written where this run writes its table, e.g. under {@code target/}
     */
    public FaultTable(Path committed, Path written) {
        this.committed = committed;
        this.written = written;
    }

    public void add(Row row) {
        rows.put(row.order(), row);
    }

    /**
     * Writes this run's table and, once every case has its row, checks it against the committed one
     * (or replaces it, when asked to). Returns a problem to report, or null.
     */
    public String finish(int cases, boolean replaceCommitted) {
        String table = render();
        try {
            Files.createDirectories(written.getParent());
            Files.writeString(written, table, StandardCharsets.UTF_8);
            if (rows.size() < cases) {
                return null;
            }
            if (replaceCommitted) {
                Files.writeString(committed, table, StandardCharsets.UTF_8);
                return null;
            }
            String current = Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";
            return current.equals(table) ? null : "the fault table the suite wrote (" + written + ") differs from "
                    + committed + ": bg-kube behaves differently under a fault than the README says; compare them, and "
                    + "if the new behaviour is right, write the table again with -Dbgkube.faultTable=write\n"
                    + difference(current, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines only one of the two tables has, so a CI log shows which cases changed. */
    private static String difference(String committedTable, String writtenTable) {
        List<String> before = committedTable.lines().toList();
        List<String> after = writtenTable.lines().toList();
        StringBuilder text = new StringBuilder();
        before.stream().filter(line -> !after.contains(line)).forEach(line -> text.append("- ").append(line).append('\n'));
        after.stream().filter(line -> !before.contains(line)).forEach(line -> text.append("+ ").append(line).append('\n'));
        return text.toString();
    }

    private String render() {
        StringBuilder text = new StringBuilder(HEADER);
        List<Row> sorted = rows.values().stream().sorted(Comparator.comparingInt(Row::order)).toList();
        for (Row row : sorted) {
            text.append("| ").append(String.join(" | ", cell(row.command()), cell(row.step()), cell(row.fault()),
                    cell(row.did()), cell(row.sees()))).append(" |\n");
        }
        return text.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
