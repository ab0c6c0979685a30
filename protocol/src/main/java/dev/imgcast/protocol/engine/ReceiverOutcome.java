package dev.imgcast.protocol.engine;

/** How one receiver's part of a transfer ended, as the sender saw it. */
public enum ReceiverOutcome {
    /** Registered, transfer not over. */
    PENDING,
    /** Reported a SHA-256 equal to the image's. */
    VERIFIED,
    /** Reported a failure (its disk, its verification). */
    FAILED,
    /** Dropped by the sender (silent, not progressing). */
    DROPPED
}
