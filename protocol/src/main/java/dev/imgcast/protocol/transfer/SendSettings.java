package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.SenderConfig;
import dev.imgcast.protocol.image.BlockCodec;
import dev.imgcast.protocol.image.ImageLayout;
import java.time.Duration;

/**
 * How a sender runs a transfer, checked: each value in its range, and a rule for when to start.
 *
 * @param payloadSize       image bytes per DATA datagram
 * @param maxBitsPerSecond  the rate on the wire never exceeded
 * @param blockSize         block size of a manifest built for this transfer (a stored manifest brings its own)
 * @param expectedReceivers start as soon as this many receivers joined (0: no count)
 * @param idleStart         start when this passes without a new receiver (null: no such rule), at most a day
 * @param startTimeout      give up when no receiver joined within this (null: wait forever)
 * @param receiverTimeout   drop a receiver silent this long
 * @param maxStalledRounds  drop a receiver that made no progress over this many rounds
 * @param compressLevel     zstd level of a manifest built for this transfer (0: every block raw)
 * @param fecPercent        parity symbols sent with the first pass, percent of each group's packets (0: repair only;
 *                          {@link SenderConfig#FEC_AUTO}: follow the loss receivers report)
 */
public record SendSettings(int payloadSize, long maxBitsPerSecond, int blockSize, int expectedReceivers,
        Duration idleStart, Duration startTimeout, Duration receiverTimeout, int maxStalledRounds, int compressLevel,
        int fecPercent) {
    static final Duration MAX_IDLE_START = Duration.ofDays(1);

    /** Compressed at {@link TransferDefaults#COMPRESS_LEVEL}. */
    public SendSettings(int payloadSize, long maxBitsPerSecond, int blockSize, int expectedReceivers,
            Duration idleStart, Duration startTimeout, Duration receiverTimeout, int maxStalledRounds) {
        this(payloadSize, maxBitsPerSecond, blockSize, expectedReceivers, idleStart, startTimeout, receiverTimeout,
                maxStalledRounds, TransferDefaults.COMPRESS_LEVEL, 0);
    }

    public SendSettings(int payloadSize, long maxBitsPerSecond, int blockSize, int expectedReceivers,
            Duration idleStart, Duration startTimeout, Duration receiverTimeout, int maxStalledRounds, int compressLevel) {
        this(payloadSize, maxBitsPerSecond, blockSize, expectedReceivers, idleStart, startTimeout, receiverTimeout,
                maxStalledRounds, compressLevel, 0);
    }

    public SendSettings {
        if (maxBitsPerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive, not " + maxBitsPerSecond);
        }
        if (expectedReceivers < 0) {
            throw new IllegalArgumentException("the number of receivers must not be negative");
        }
        if (expectedReceivers > 65535) {
            throw new IllegalArgumentException("at most 65535 receivers, not " + expectedReceivers);
        }
        if (idleStart != null && (idleStart.isNegative() || idleStart.isZero() || idleStart.compareTo(MAX_IDLE_START) > 0)) {
            throw new IllegalArgumentException("the wait must be between 0 and 86400 seconds");
        }
        if (expectedReceivers == 0 && idleStart == null) {
            throw new IllegalArgumentException("say when to start: a number of receivers, a wait, or both");
        }
        if (startTimeout != null && (startTimeout.isNegative() || startTimeout.isZero())
                || receiverTimeout == null || receiverTimeout.isNegative() || receiverTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (fecPercent < SenderConfig.FEC_AUTO || fecPercent > SenderConfig.MAX_FEC_PERCENT) {
            throw new IllegalArgumentException("parity ahead must be auto or 0.." + SenderConfig.MAX_FEC_PERCENT
                    + " percent, not " + fecPercent);
        }
        if (maxStalledRounds < 1) {
            throw new IllegalArgumentException("max stalled rounds must be at least 1, not " + maxStalledRounds);
        }
        new ImageLayout(0, blockSize, payloadSize); // checks payload and block size, says what is wrong
        if (compressLevel != 0) {
            BlockCodec.checkLevel(compressLevel);
        }
    }

    /** The defaults for everything but when to start. */
    public static SendSettings of(int expectedReceivers, Duration idleStart, Duration startTimeout) {
        return new SendSettings(TransferDefaults.PAYLOAD, TransferDefaults.BITS_PER_SECOND, TransferDefaults.BLOCK_SIZE,
                expectedReceivers, idleStart, startTimeout, TransferDefaults.RECEIVER_TIMEOUT,
                TransferDefaults.MAX_STALLED_ROUNDS);
    }

    /**
     * A session's sender: it knows how many devices registered, starts when they all joined or
     * {@link TransferDefaults#SESSION_JOIN_WAIT} passed without a new one, gives up after
     * {@link TransferDefaults#SESSION_START_TIMEOUT}.
     */
    public static SendSettings forSession(int registered, long maxBitsPerSecond, int payloadSize) {
        return new SendSettings(payloadSize, maxBitsPerSecond, TransferDefaults.BLOCK_SIZE, registered,
                TransferDefaults.SESSION_JOIN_WAIT, TransferDefaults.SESSION_START_TIMEOUT,
                TransferDefaults.RECEIVER_TIMEOUT, TransferDefaults.MAX_STALLED_ROUNDS);
    }

    /** The same settings with another idle start and start timeout (e.g. from a service's configuration). */
    public SendSettings withStart(Duration idle, Duration timeout) {
        return new SendSettings(payloadSize, maxBitsPerSecond, blockSize, expectedReceivers, idle, timeout,
                receiverTimeout, maxStalledRounds, compressLevel, fecPercent);
    }

    /** The same settings with parity sent ahead (percent, or {@link SenderConfig#FEC_AUTO}). */
    public SendSettings withFec(int percent) {
        return new SendSettings(payloadSize, maxBitsPerSecond, blockSize, expectedReceivers, idleStart, startTimeout,
                receiverTimeout, maxStalledRounds, compressLevel, percent);
    }

    /**
     * A {@code --fec} value: {@code off} (parity only to repair), {@code auto} (parity ahead at twice the
     * worst loss receivers report, at most 25%), or a percentage 1..100; an IllegalArgumentException
     * says what is wrong.
     */
    public static int parseFec(String value) {
        if (value == null || value.equalsIgnoreCase("off")) {
            return 0;
        }
        if (value.equalsIgnoreCase("auto")) {
            return SenderConfig.FEC_AUTO;
        }
        String number = value.trim().endsWith("%") ? value.trim().substring(0, value.trim().length() - 1) : value.trim();
        try {
            int percent = Integer.parseInt(number);
            if (percent >= 0 && percent <= SenderConfig.MAX_FEC_PERCENT) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--fec is off, auto or a percentage 0.." + SenderConfig.MAX_FEC_PERCENT
                + ", not " + value);
    }

    /** The same settings with another zstd level (0: no compression). */
    public SendSettings withCompression(int level) {
        return new SendSettings(payloadSize, maxBitsPerSecond, blockSize, expectedReceivers, idleStart, startTimeout,
                receiverTimeout, maxStalledRounds, level, fecPercent);
    }

    /**
     * A {@code --compress} value: {@code auto} (zstd level {@value BlockCodec#AUTO_LEVEL}), {@code off}, or a
     * zstd level; an IllegalArgumentException says what is wrong.
     */
    public static int parseCompression(String value) {
        if (value == null || value.equalsIgnoreCase("auto")) {
            return BlockCodec.AUTO_LEVEL;
        }
        if (value.equalsIgnoreCase("off")) {
            return 0;
        }
        int level;
        try {
            level = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--compress is auto, off or a zstd level " + BlockCodec.MIN_LEVEL + ".."
                    + BlockCodec.MAX_LEVEL + ", not " + value);
        }
        if (level == 0) {
            return 0;
        }
        BlockCodec.checkLevel(level);
        return level;
    }

    /** The engine's configuration. */
    public SenderConfig config() {
        return new SenderConfig(payloadSize, maxBitsPerSecond, expectedReceivers, idleStart, startTimeout,
                receiverTimeout, maxStalledRounds, fecPercent);
    }
}
