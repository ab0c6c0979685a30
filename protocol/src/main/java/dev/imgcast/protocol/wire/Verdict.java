package dev.imgcast.protocol.wire;

/** What the validator says of a datagram. Everything but {@link #OK} is counted and dropped. */
public enum Verdict {
    OK,
    TOO_SHORT,
    TOO_LONG,
    BAD_MAGIC,
    BAD_VERSION,
    UNKNOWN_TYPE,
    BAD_LENGTH,
    BAD_TAG,
    /** Authentic, but for another transfer (a previous run, say). */
    OTHER_TRANSFER
}
