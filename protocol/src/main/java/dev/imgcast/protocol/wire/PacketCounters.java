package dev.imgcast.protocol.wire;

import java.util.EnumMap;
import java.util.Map;

/** Counts of received datagrams by verdict: what was dropped, and why. */
public final class PacketCounters {
    private final long[] counts = new long[Verdict.values().length];

    public void count(Verdict verdict) {
        counts[verdict.ordinal()]++;
    }

    public long get(Verdict verdict) {
        return counts[verdict.ordinal()];
    }

    /** Every datagram that was not accepted. */
    public long rejected() {
        long total = 0;
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.OK) {
                total += counts[v.ordinal()];
            }
        }
        return total;
    }

    /** The non-zero rejection counts, for reports. */
    public Map<Verdict, Long> rejections() {
        Map<Verdict, Long> out = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.OK && counts[v.ordinal()] > 0) {
                out.put(v, counts[v.ordinal()]);
            }
        }
        return out;
    }
}
