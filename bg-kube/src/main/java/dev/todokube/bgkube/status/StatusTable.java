package dev.todokube.bgkube.status;

import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Renders a {@link StatusReport} as the status command's text table. */
public final class StatusTable {

    private StatusTable() {}

    public static String render(StatusReport report) {
        StringBuilder out = new StringBuilder();
        out.append("service ").append(report.service()).append(" in namespace ").append(report.namespace())
                .append(": active color ").append(report.active().map(c -> c.label()).orElse("none (not published yet)"))
                .append('\n');
        report.state().ifPresent(state -> {
            out.append("recorded: tag ").append(state.tag()).append(", migration ").append(state.migration().lines()
                    .findFirst().orElse("none")).append(", by ").append(state.changedBy()).append(" at ")
                    .append(state.changedAt()).append('\n');
            state.scaleDown().ifPresent(s -> out.append("scale-down of ").append(s.color().label()).append(" due at ")
                    .append(s.due()).append(s.due().isAfter(report.readAt()) ? ""
                            : " (overdue: the bg-kube that recorded it stopped; " + s.color().label()
                            + " stays for a rollback until the next release of it, or scale it down by hand)").append('\n'));
        });
        report.release().ifPresent(release -> {
            out.append(report.leaseHolder().isPresent() ? "release in progress: " : "release interrupted: ")
                    .append(release.describe()).append('\n');
            report.leaseHolder().ifPresent(holder -> out.append("  the lease is held by ").append(holder)
                    .append(": if that bg-kube is gone, the next command takes the lease over once it has not been "
                            + "renewed for its duration\n"));
            out.append("  next: ").append(release.next()).append('\n');
        });
        for (Color color : Color.values()) {
            PreviewRecord record = report.records().getOrDefault(color, PreviewRecord.NONE);
            record.previewTag().ifPresent(tag -> out.append("preview: ").append(color.label()).append(" (tag ")
                    .append(tag).append("), not promoted: bg-kube promote swaps to it, bg-kube abort takes it out\n"));
            record.analysis().ifPresent(verdict -> out.append("last analysis of ").append(color.label()).append(": ")
                    .append(verdict).append(record.analysedAt().map(at -> " (at " + at + ")").orElse("")).append('\n'));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "COLOR", "DEPLOYMENT", "TAG", "READY", "AGE", "HPA CURRENT/DESIRED"});
        for (StatusReport.ColorStatus color : report.colors()) {
            boolean active = report.active().map(a -> a == color.color()).orElse(false);
            rows.add(new String[] {
                    active ? "*" : "",
                    color.color().label(),
                    color.deployment() + (color.exists() ? "" : " (absent)"),
                    color.tag(),
                    color.exists() ? color.ready() + "/" + color.desired() : "-",
                    color.age().map(StatusTable::age).orElse("-"),
                    color.autoscaler().orElse("-")});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
                if (i < row.length - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** kubectl-style age: 45s, 12m, 5h, 3d. */
    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
