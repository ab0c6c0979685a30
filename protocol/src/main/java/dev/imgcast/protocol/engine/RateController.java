package dev.imgcast.protocol.engine;

/**
 * Chooses the sending rate from the loss receivers report. Loss that stays at a steady floor
 * (a lossy cable, a busy switch port) is not congestion: slowing down would not cut it, only
 * make the transfer longer. Loss that rises clearly above the recent floor is congestion (a
 * receiver or link that cannot keep up): the rate drops multiplicatively, then climbs back
 * additively while loss stays at the floor. Never above the configured maximum. A transfer
 * starts at an eighth of the maximum and doubles each interval until loss or the maximum.
 *
 * <p>Bursts of loss on a noisy link rise above the floor too, and slowing down does not help
 * them. So, when it knows what the worst receiver took in ({@link #onInterval}), the controller
 * checks each cut: congestion means the receiver was already taking in all it could, so after the
 * cut it takes in about as much as before; a burst on a link means it took in a fixed share of what
 * was sent, so after the cut it takes in less, in step with the rate. A cut of the second kind is
 * undone and the loss that caused it becomes part of the floor (fading over some seconds), so
 * bursts that parity repairs do not drag the rate down, and loss that the rate causes still does.
 */
public final class RateController {
    static final int WINDOW = 32;
    static final double DECREASE = 0.80;
    static final double INCREASE_SHARE = 0.10;
    static final double CONGESTION_MARGIN = 0.02;
    static final int SLOW_START_DIVISOR = 8;
    /** Intervals watched after a cut before judging it. */
    static final int CHECK_INTERVALS = 3;
    /** A cut after which the receiver takes in less than this share of what it took before was no use. */
    static final double DELIVERY_FELL = 0.92;
    static final double NOISE_FADE = 0.99;

    private final long maxBitsPerSecond;
    private final long minBitsPerSecond;
    private final double[] recentLoss = new double[WINDOW];
    private int samples;
    private long current;
    private long decreases;
    private boolean slowStart = true;
    private double noise;
    private int checking;
    private long rateBeforeCut;
    private double lossAtCut;
    private double deliveredBeforeCut;
    private double deliveredAfterCut;
    private long undone;

    public RateController(long maxBitsPerSecond) {
        if (maxBitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.maxBitsPerSecond = maxBitsPerSecond;
        this.minBitsPerSecond = Math.max(1, maxBitsPerSecond / 100);
        // Slow start: receivers whose JVM is still compiling the receive path lose a full-rate
        // first burst; a rate that doubles each interval gives them the first few hundred ms.
        this.current = Math.max(minBitsPerSecond, maxBitsPerSecond / SLOW_START_DIVISOR);
    }

    /** The rate to send at now, bits per second. */
    public long rate() {
        return current;
    }

    public long decreases() {
        return decreases;
    }

    /** Cuts found to be no use (loss the rate did not cause) and undone. */
    public long undone() {
        return undone;
    }

    /** One measurement interval's worst receiver loss, 0..1, without knowing what it took in: every cut stands. */
    public void onLoss(double loss) {
        onInterval(loss, Double.NaN);
    }

    /**
     * One measurement interval: the worst receiver's loss (0..1) and what it took in (packets per
     * second; NaN if not known).
     */
    public void onInterval(double loss, double delivered) {
        if (checking > 0) {
            recentLoss[samples++ % WINDOW] = loss;
            deliveredAfterCut += delivered;
            if (--checking == 0) {
                judgeCut();
            }
            return;
        }
        noise *= NOISE_FADE;
        double floor = Math.max(floor(), noise);
        recentLoss[samples++ % WINDOW] = loss;
        boolean congested = !Double.isNaN(floor) && loss > floor + CONGESTION_MARGIN && loss > 2 * floor;
        if (congested) {
            if (!Double.isNaN(delivered) && delivered > 0) {
                checking = CHECK_INTERVALS;
                rateBeforeCut = current;
                lossAtCut = loss;
                deliveredBeforeCut = delivered;
                deliveredAfterCut = 0;
            }
            current = Math.max(minBitsPerSecond, (long) (current * DECREASE));
            decreases++;
            slowStart = false;
        } else if (slowStart) {
            current = Math.min(maxBitsPerSecond, current * 2);
            slowStart = current < maxBitsPerSecond;
        } else {
            current = Math.min(maxBitsPerSecond, current + (long) (maxBitsPerSecond * INCREASE_SHARE));
        }
    }

    private void judgeCut() {
        double after = deliveredAfterCut / CHECK_INTERVALS;
        if (!Double.isNaN(after) && after < deliveredBeforeCut * DELIVERY_FELL) {
            // It took in less once we sent less: the loss was the link's, not ours. Undo the cut.
            current = Math.max(current, rateBeforeCut);
            noise = Math.max(noise, lossAtCut);
            undone++;
        }
    }

    /** The lowest loss of the recent intervals, NaN before the first. */
    double floor() {
        int n = Math.min(samples, WINDOW);
        if (n == 0) {
            return Double.NaN;
        }
        double min = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, recentLoss[i]);
        }
        return min;
    }
}
