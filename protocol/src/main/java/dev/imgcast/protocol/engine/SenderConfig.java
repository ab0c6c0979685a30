package dev.imgcast.protocol.engine;

import java.time.Duration;

/**
 * How a sender runs a transfer.
 *
 * @param payloadSize       image bytes per DATA datagram (1400 fits a 1500-byte MTU)
 * @param maxBitsPerSecond  the rate never exceeded, counted on the wire (Ethernet, IP and UDP headers included)
 * @param expectedReceivers start as soon as this many receivers are ready (0: no count)
 * @param idleStart         start when this long passed since the last registration, with at least one
 *                          receiver ready (null: no such rule)
 * @param startTimeout      give up when no receiver registered within this (null: wait forever)
 * @param receiverTimeout   drop a receiver silent this long
 * @param maxStalledRounds  drop a receiver whose missing count did not shrink over this many rounds
 * @param fecPercent        parity sent with the first pass, in percent of each group's packets (0: none, repair
 *                          only; {@link #FEC_AUTO}: twice the worst loss receivers report, at most 25%)
 */
public record SenderConfig(int payloadSize, long maxBitsPerSecond, int expectedReceivers, Duration idleStart,
        Duration startTimeout, Duration receiverTimeout, int maxStalledRounds, int fecPercent) {
    /** {@link #fecPercent} for "follow the loss receivers report". */
    public static final int FEC_AUTO = -1;
    public static final int MAX_FEC_PERCENT = 100;

    public SenderConfig(int payloadSize, long maxBitsPerSecond, int expectedReceivers, Duration idleStart,
            Duration startTimeout, Duration receiverTimeout, int maxStalledRounds) {
        this(payloadSize, maxBitsPerSecond, expectedReceivers, idleStart, startTimeout, receiverTimeout, maxStalledRounds, 0);
    }

    public SenderConfig {
        if (fecPercent < FEC_AUTO || fecPercent > MAX_FEC_PERCENT) {
            throw new IllegalArgumentException("parity ahead must be auto or 0.." + MAX_FEC_PERCENT + " percent, not "
                    + fecPercent);
        }
        if (maxBitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        if (expectedReceivers < 0 || expectedReceivers > 65535) {
            throw new IllegalArgumentException("expected receivers must be 0..65535");
        }
        if (expectedReceivers == 0 && idleStart == null) {
            throw new IllegalArgumentException("say when to start: a receiver count, an idle time, or both");
        }
        if (receiverTimeout == null || receiverTimeout.isNegative() || receiverTimeout.isZero()) {
            throw new IllegalArgumentException("receiver timeout must be positive");
        }
        if (maxStalledRounds < 1) {
            throw new IllegalArgumentException("max stalled rounds must be at least 1");
        }
    }

    public static SenderConfig defaults(int expectedReceivers) {
        return new SenderConfig(1400, 500_000_000L, expectedReceivers, null, null, Duration.ofSeconds(5), 8);
    }

    /** The same with parity sent ahead at this share (percent, or {@link #FEC_AUTO}). */
    public SenderConfig withFec(int percent) {
        return new SenderConfig(payloadSize, maxBitsPerSecond, expectedReceivers, idleStart, startTimeout, receiverTimeout,
                maxStalledRounds, percent);
    }
}
