package dev.imgcast.protocol.transfer;

import java.time.Duration;

/**
 * The defaults every part of imgcast shares, in one place: the command line's defaults, what a
 * device of a session uses, what the multicast-sender and the image store's capture use.
 */
public final class TransferDefaults {
    /** The UDP port of a session's group (session-service hands it out; img send/receive default to it). */
    public static final int SESSION_PORT = 9100;
    /** The same, for configuration defaults that need text. */
    public static final String SESSION_PORT_TEXT = "" + SESSION_PORT;
    /** Multicast TTL: this segment only. */
    public static final int TTL = 1;
    /** Image bytes per DATA datagram: fits a 1500-byte MTU. */
    public static final int PAYLOAD = 1400;
    /** The rate on the wire a sender never exceeds unless told otherwise. */
    public static final long BITS_PER_SECOND = 500_000_000L;
    /** Block size of a manifest. */
    public static final int BLOCK_SIZE = 1 << 20;
    /** A sender drops a receiver silent this long. */
    public static final Duration RECEIVER_TIMEOUT = Duration.ofSeconds(5);
    /** A sender drops a receiver that made no progress over this many repair rounds. */
    public static final int MAX_STALLED_ROUNDS = 8;
    /** A receiver gives up when the sender falls silent this long during a transfer. */
    public static final Duration SENDER_TIMEOUT = Duration.ofSeconds(10);

    /** In a session the run has started: a receiver waits this long to hear the sender. */
    public static final Duration SESSION_LISTEN_TIMEOUT = Duration.ofSeconds(60);
    /** In a session the sender gives up when no receiver joined within this. */
    public static final Duration SESSION_START_TIMEOUT = Duration.ofSeconds(60);
    /** In a session the sender starts when this passes without a new receiver (or when all joined). */
    public static final Duration SESSION_JOIN_WAIT = Duration.ofSeconds(10);

    private TransferDefaults() {
    }

    /** Blocks are compressed with zstd at this level unless told otherwise (1: fast, most of the gain). */
    public static final int COMPRESS_LEVEL = 1;
}
