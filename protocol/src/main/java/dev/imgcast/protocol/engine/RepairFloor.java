package dev.imgcast.protocol.engine;

/**
 * The repair every group gets after the first pass in a large group, without anyone asking: the
 * sender knows the loss its median receiver reports, so it knows how many symbols of a group of k
 * packets a receiver losing that share misses but with a small probability (the tolerance, small
 * enough that the worst of all receivers rarely strays beyond), at most half the group. The
 * next round sends each group that many parity symbols; receivers whose needs stay within it say
 * nothing. Only outliers report, so the reports stay few however many receivers there are. The
 * ROUND_END carries loss and tolerance, and both ends compute the floor with this same code.
 */
record RepairFloor(long lossPpm, long tolerancePpb) {
    static final RepairFloor NONE = new RepairFloor(0, 0);
    /** Reports the floor aims to leave, for the whole group and round. */
    static final double REPORTS_AIMED_AT = 8;

    /**
     * @param loss loss share of the median receiver (0..1)
     * @param receivers live receivers
     * @param groups    packet groups that travel
     */
    static RepairFloor of(double loss, int receivers, long groups) {
        if (loss <= 0 || receivers <= 0 || groups <= 0) {
            return NONE;
        }
        long ppm = Math.max(1, Math.min(500_000, Math.round(loss * 1e6)));
        long ppb = Math.max(1, Math.round(REPORTS_AIMED_AT / ((double) receivers * groups) * 1e9));
        return new RepairFloor(ppm, Math.min(ppb, 1_000_000_000L));
    }

    boolean active() {
        return lossPpm > 0 && tolerancePpb > 0;
    }

    /** Symbols a group of {@code k} packets gets: the least f with P(Binomial(k, loss) > f) ≤ tolerance. */
    int symbols(int k) {
        if (!active()) {
            return 0;
        }
        double p = lossPpm / 1e6;
        double tolerance = tolerancePpb / 1e9;
        double pmf = Math.pow(1 - p, k);
        double cdf = pmf;
        int f = 0;
        while (f < k / 2 && 1 - cdf > tolerance) { // never half a group unasked: who lost that much reports
            pmf = pmf * (k - f) / (f + 1) * p / (1 - p);
            cdf += pmf;
            f++;
        }
        return f;
    }
}
