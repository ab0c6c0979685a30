package dev.imgcast.protocol.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of scale runs as a markdown table, with a details section below it. */
final class ScaleTable {
    private final List<String> rows = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    static String header() {
        return """
                | receivers | links | verified | wire / stored | payload / stored | rounds | feedback | max per round \
                | STATUS (round reports) | completion s | × 1 receiver | wall s |
                | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
                """;
    }

    /** Adds a run; {@code single} is the 1-receiver run of the same links (null: no ratio). */
    String add(ScaleRun.Result r, ScaleRun.Result single) {
        ScaleRun.Config c = r.config();
        String ratio = single != null && single.finished() && r.finished() && single.completionNanos() > 0
                ? f("%.2f", (double) r.completionNanos() / single.completionNanos()) : "-";
        String row = f("| %d | %s | %d / %d%s | %.3f | %.3f | %d | %d | %d | %d (%d) | %s | %s | %.1f |", c.receivers(),
                c.scenario().label(), r.verified(), c.receivers(), r.dropped() > 0 ? f(" (%d dropped)", r.dropped()) : "",
                r.wireRatio(), r.payloadRatio(), r.rounds(), r.feedback(), r.feedbackMaxRound(), r.status(), r.roundReports(),
                r.finished() ? f("%.3f", r.completionNanos() / 1e9) : "did not end", ratio, r.wallNanos() / 1e9);
        rows.add(row);
        details.add(f("- %d receivers, %s: multicast %s; feedback %s; rate decreases %d; end \"%s\"; simulation %.1f CPU-s,"
                + " direct buffers %d MiB, heap %d MiB after the run%s%s", c.receivers(), c.scenario().label(),
                types(r.multicastByType()), types(r.feedbackByType()), r.rateDecreases(), r.endReason(), r.cpuNanos() / 1e9,
                r.directBytes() >> 20, r.heapBytes() >> 20,
                r.slowDrops() > 0 ? f("; slow links dropped %d datagrams", r.slowDrops()) : "",
                r.problems().isEmpty() ? "" : "; receivers: " + String.join("; ", r.problems())));
        return row;
    }

    String markdown() {
        StringBuilder out = new StringBuilder(header());
        rows.forEach(row -> out.append(row).append('\n'));
        out.append("\nPer run (datagram counts by header type; memory of the whole simulation):\n\n");
        details.forEach(d -> out.append(d).append('\n'));
        return out.toString();
    }

    private static String types(Map<String, Long> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((type, n) -> out.append(out.isEmpty() ? "" : ", ").append(type).append(' ').append(n));
        return out.isEmpty() ? "none" : out.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
