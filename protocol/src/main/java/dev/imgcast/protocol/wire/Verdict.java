package dev.imgcast.protocol.wire;

/** What the validator says of a datagram. Everything but {@link #OK} is counted and dropped. */
public enum Verdict {
    OK,
    TOO_SHORT,
    TOO_LONG,
    BAD_MAGIC,
    /** An imgcast datagram of wire format v1 (an older img): this one speaks v2 only. */
    OLD_VERSION,
    BAD_VERSION,
    UNKNOWN_TYPE,
    BAD_LENGTH,
    BAD_TAG,
    /** Authentic, but for another transfer (a previous run, say). */
    OTHER_TRANSFER,
    /** Authentic, but seen before: a packet number already used, or an answer to a challenge we did not send. */
    REPLAYED,
    /** Authentic, but not from the address of the peer it claims to be (relayed, or a hijack attempt). */
    WRONG_ADDRESS
}
