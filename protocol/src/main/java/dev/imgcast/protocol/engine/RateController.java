package dev.imgcast.protocol.engine;

/**
 * Chooses the sending rate from the loss receivers report. Loss that stays at a steady floor
 * (a lossy cable, a busy switch port) is not congestion: slowing down would not cut it, only
 * make the transfer longer. Loss that rises clearly above the recent floor is congestion (a
 * receiver or link that cannot keep up): the rate drops multiplicatively, then climbs back
 * additively while loss stays at the floor. Never above the configured maximum. A transfer
 * starts at an eighth of the maximum and doubles each interval until loss or the maximum.
 */
public final class RateController {
    static final int WINDOW = 32;
    static final double DECREASE = 0.80;
    static final double INCREASE_SHARE = 0.10;
    static final double CONGESTION_MARGIN = 0.02;
    static final int SLOW_START_DIVISOR = 8;

    private final long maxBitsPerSecond;
    private final long minBitsPerSecond;
    private final double[] recentLoss = new double[WINDOW];
    private int samples;
    private long current;
    private long decreases;
    private boolean slowStart = true;

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

    /** One measurement interval's worst receiver loss, 0..1. */
    public void onLoss(double loss) {
        double floor = floor();
        recentLoss[samples++ % WINDOW] = loss;
        boolean congested = !Double.isNaN(floor) && loss > floor + CONGESTION_MARGIN && loss > 2 * floor;
        if (congested) {
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
