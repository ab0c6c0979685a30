package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.engine.ReceiverOutcome;

/**
 * How one copy ended, as session-service records it for a device: the single mapping from what
 * the engines say to VERIFIED, FAILED or DROPPED. A device reports it for itself, the
 * multicast-sender for each receiver it served.
 */
public enum TransferStatus {
    /** The copy's SHA-256 equals the image's. */
    VERIFIED,
    /** The copy failed: its disk, its verification, the network, or it never took part. */
    FAILED,
    /** The sender dropped the receiver (silent, not progressing) or ended the transfer. */
    DROPPED;

    /** A receiver as its sender saw it; a receiver still pending when the sender ended failed. */
    public static TransferStatus of(ReceiverOutcome outcome) {
        return switch (outcome) {
            case VERIFIED -> VERIFIED;
            case DROPPED -> DROPPED;
            case FAILED, PENDING -> FAILED;
        };
    }

    /** A receiver as it saw itself when its engine ended. */
    public static TransferStatus of(ReceiverEngine engine) {
        if (engine.verified()) {
            return VERIFIED;
        }
        return of(engine.failure());
    }

    /** A receiver that did not verify, by why it failed. */
    public static TransferStatus of(ReceiverEngine.Failure failure) {
        return failure == ReceiverEngine.Failure.DROPPED ? DROPPED : FAILED;
    }
}
