package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The real engines at scale, over {@link MemoryNetwork} in simulated time ({@link ScaleRun}).
 *
 * <p>By default (CI) three small runs with real checks. With {@code -Dimgcast.scale=full} the whole
 * matrix: 1, 10, 100 and 1000 receivers × five kinds of links, printed as a markdown table and
 * written to {@code target/scale-table.md} (bench/scale.sh runs it). Optional:
 * {@code -Dimgcast.scale.receivers=1,10,100} (which counts), {@code -Dimgcast.scale.links=1,4} (which
 * kinds of links, 1–5 in the order below), {@code -Dimgcast.scale.mib=16} (image size),
 * {@code -Dimgcast.scale.blockKib=256} (block size), {@code -Dimgcast.scale.seed=1}.
 */
class ScaleHarnessTest {
    private static final long RATE = 500_000_000L;
    private static final long DELAY = 500_000L;

    private static ScaleRun.Config small(int receivers, ScaleRun.Scenario scenario, int mib) {
        return new ScaleRun.Config(receivers, scenario, mib << 20, 1 << 20, RATE, 1, DELAY, 120);
    }

    /** What every run must show, whatever the engine does to repair: finished, counted, no copy wrong. */
    private static void assertSound(ScaleRun.Result r) {
        String what = r.toString();
        assertTrue(r.finished(), "did not end: " + what);
        assertTrue(r.completionNanos() > 0, what);
        assertTrue(r.wireRatio() >= 1 && r.payloadRatio() >= 1, what);
        assertTrue(r.rounds() >= 1, what);
        assertTrue(r.status() >= r.config().receivers() && r.feedback() >= r.status(), what);
        assertTrue(r.feedbackMaxRound() > 0, what);
        assertTrue(r.problems().stream().noneMatch(p -> p.contains("target differs")), what);
    }

    @Test
    void tenReceiversAtOnePercentIndependentLossAllVerify() {
        ScaleRun.Result r = report(ScaleRun.run(small(10, ScaleRun.Scenario.independent(0.01), 4)));
        assertSound(r);
        assertEquals(10, r.verified(), r.problems().toString());
        assertTrue(r.payloadRatio() > 1, "1% loss on 10 receivers needs repairs: " + r);
    }

    @Test
    void tenReceiversWithBurstyLossAllVerify() {
        ScaleRun.Result r = report(ScaleRun.run(small(10, ScaleRun.Scenario.bursty(0.05, 50), 4)));
        assertSound(r);
        assertEquals(10, r.verified(), r.problems().toString());
        assertTrue(r.rounds() >= 2, r.toString());
    }

    @Test
    void aSlowReceiverAmongFiveIsVerifiedOrDroppedWithAReasonAndTheOthersVerify() {
        // 16 MiB: a smaller image is over before slow start reaches the slow link's capacity
        ScaleRun.Result r = report(ScaleRun.run(small(5, ScaleRun.Scenario.slow(0.2, 0.5), 16)));
        assertSound(r);
        assertTrue(r.slowDrops() > 0, "a link at half the rate must drop some: " + r);
        assertTrue(r.verified() >= 4, r.problems().toString());
        if (r.verified() == 4) {
            assertEquals(1, r.dropped(), r.problems().toString());
            assertTrue(r.problems().stream().anyMatch(p -> p.contains("DROPPED: dropped by the sender")), r.problems().toString());
        }
    }

    /**
     * The matrix of bench/scale.sh with {@code -Dimgcast.scale=full}; without it, in every test run,
     * a tiny one (1 and 3 receivers, 1% loss, 2 MiB) that runs the same code.
     */
    @Test
    void fullMatrix() throws IOException {
        boolean full = "full".equals(System.getProperty("imgcast.scale"));
        int[] counts = Arrays.stream(System.getProperty("imgcast.scale.receivers", full ? "1,10,100,1000" : "1,3").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int mib = Integer.getInteger("imgcast.scale.mib", full ? 16 : 2);
        int blockKib = Integer.getInteger("imgcast.scale.blockKib", 256);
        long seed = Long.getLong("imgcast.scale.seed", 1);
        List<ScaleRun.Scenario> all = List.of(ScaleRun.Scenario.independent(0.001),
                ScaleRun.Scenario.independent(0.01), ScaleRun.Scenario.independent(0.05),
                ScaleRun.Scenario.bursty(0.05, 50), ScaleRun.Scenario.slow(0.02, 0.5));
        List<ScaleRun.Scenario> scenarios = Arrays.stream(System.getProperty("imgcast.scale.links", full ? "1,2,3,4,5" : "2")
                .split(","))
                .map(s -> all.get(Integer.parseInt(s.trim()) - 1)).toList();
        String settings = String.format(Locale.ROOT, "Random image of %d MiB (incompressible, no zero blocks, seed %d),"
                + " %d KiB blocks, 1400-byte payloads, sender at most %d Mbit/s, one-way delay %.1f ms both ways, loss"
                + " seeds %d × 1000003 + receiver index, slow receivers' links %s; simulated steps of 20 µs.%n%n", mib,
                seed, blockKib, RATE / 1_000_000, DELAY / 1e6, seed, "token buckets at half the rate (± 1%, per link), 64 datagrams deep");
        ScaleTable table = new ScaleTable();
        Path out = Path.of("target", "scale-table.md");
        Files.createDirectories(out.getParent());
        System.out.print(settings + ScaleTable.header());
        List<String> notFinished = new ArrayList<>();
        for (ScaleRun.Scenario scenario : scenarios) {
            ScaleRun.Config base = new ScaleRun.Config(1, scenario, mib << 20, blockKib << 10, RATE, seed, DELAY, 300);
            ScaleRun.Result single = null;
            for (int n : counts) {
                ScaleRun.Result r = n == 1 && single != null ? single : ScaleRun.run(base.withReceivers(n));
                if (n == 1) {
                    single = r;
                } else if (single == null) {
                    single = ScaleRun.run(base);
                }
                System.out.println(table.add(r, single));
                System.out.flush();
                Files.writeString(out, settings + table.markdown());
                if (!r.finished() || r.verified() < n) {
                    notFinished.add(n + " receivers, " + scenario.label() + ": " + r.problems());
                }
            }
        }
        System.out.println("table and details: " + out.toAbsolutePath());
        System.out.println(notFinished.isEmpty() ? "every copy verified" : "not all verified: " + notFinished);
        assertTrue(notFinished.isEmpty(), "not all verified: " + notFinished);
        assertTrue(Files.readString(out).contains("| " + counts[counts.length - 1] + " |"), "the table lacks its last row");
    }

    private static ScaleRun.Result report(ScaleRun.Result r) {
        ScaleTable table = new ScaleTable();
        table.add(r, null);
        System.out.print(table.markdown());
        return r;
    }
}
