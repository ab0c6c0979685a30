package dev.imgcast.protocol.engine;

import java.util.Random;

/**
 * Which datagrams from the sender one receiver's link loses: asked once per datagram, in order,
 * with the simulated time it arrives. Each model has its own seeded {@link Random}, so a run
 * repeats exactly and one receiver's losses do not shift another's.
 */
interface LossModel {
    /** True when the datagram arriving at {@code now} (nanoseconds, never decreasing) is lost. */
    boolean lose(long now);

    /** The long-run share of datagrams lost, 0..1 (for labels). */
    double meanLoss();

    static LossModel none() {
        return independent(0, 0);
    }

    /** Each datagram lost with probability {@code p}, independently of the others (Bernoulli). */
    static LossModel independent(double p, long seed) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("loss " + p);
        }
        Random random = new Random(seed);
        return new LossModel() {
            @Override
            public boolean lose(long now) {
                return p > 0 && random.nextDouble() < p;
            }

            @Override
            public double meanLoss() {
                return p;
            }
        };
    }

    /**
     * Gilbert–Elliott with a loss-free good state and a bad state that loses everything: losses
     * come in bursts of {@code meanBurst} packets on average (geometric), and a share
     * {@code meanLoss} of the time the link is bad. With p = P(good → bad) and r = P(bad → good)
     * per step: mean burst 1/r steps, stationary loss p / (p + r), so r = 1/burst and
     * p = r · loss / (1 − loss). The link starts in the stationary distribution.
     *
     * <p>A step is one packet time: {@code packetNanos}, a full-size datagram at the sender's
     * maximum rate (0: a step per datagram). Each datagram takes at least one step, and time
     * without datagrams takes its steps too, so a burst is a stretch of time (50 packets: 1.2 ms
     * at 500 Mbit/s) whether the link is busy or idle; stepped per datagram only, a link that
     * hears one ROUND_END every 30 ms would stay bad for 50 of them.
     */
    static LossModel gilbertElliott(double meanLoss, double meanBurst, long packetNanos, long seed) {
        if (meanLoss <= 0 || meanLoss >= 1 || meanBurst < 1 || packetNanos < 0) {
            throw new IllegalArgumentException("loss " + meanLoss + ", burst " + meanBurst + ", step " + packetNanos);
        }
        double toGood = 1 / meanBurst;
        double toBad = toGood * meanLoss / (1 - meanLoss);
        // after k steps: P(bad) = loss + (P(bad now) - loss) · λ^k, λ = 1 - p - r
        double lambda = 1 - toGood - toBad;
        Random random = new Random(seed);
        return new LossModel() {
            private boolean bad = random.nextDouble() < meanLoss;
            private long step = Long.MIN_VALUE;

            @Override
            public boolean lose(long now) {
                long at = packetNanos > 0 ? now / packetNanos : Long.MIN_VALUE;
                long steps = step == Long.MIN_VALUE ? 0 : Math.max(1, at - step);
                step = step == Long.MIN_VALUE ? at : Math.max(step + 1, at);
                if (steps == 1) {
                    bad = bad ? random.nextDouble() >= toGood : random.nextDouble() < toBad;
                } else if (steps > 1) {
                    double badNow = bad ? 1 : 0;
                    bad = random.nextDouble() < meanLoss + (badNow - meanLoss) * Math.pow(lambda, steps);
                }
                return bad;
            }

            @Override
            public double meanLoss() {
                return meanLoss;
            }
        };
    }
}
