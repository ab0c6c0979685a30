package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.engine.SenderEngine;

/**
 * A look at a running transfer, taken on the engine's event loop and handed to the caller's
 * thread. For a sender, {@code bytesDone} counts the image bytes of the first pass (then all of
 * them); for a receiver, the bytes received.
 *
 * @param phase            what the transfer is doing
 * @param bytesDone        image bytes sent (sender) or received (receiver)
 * @param bytesTotal       image bytes to send or receive (zero blocks are not sent)
 * @param round            the repair round, 1 for the first pass
 * @param missing          packets this receiver still misses (0 for a sender)
 * @param dataPackets      DATA packets sent (0 for a receiver)
 * @param repairPackets    of which repairs (0 for a receiver)
 * @param payloadBytesSent block bytes (stored forms) on the wire including repairs (0 for a receiver)
 * @param rateBitsPerSecond the sender's current pacing rate (0 for a receiver)
 */
public record TransferProgress(Phase phase, long bytesDone, long bytesTotal, int round, long missing,
        long dataPackets, long repairPackets, long payloadBytesSent, long rateBitsPerSecond) {

    /** The phases both sides go through. */
    public enum Phase {
        /** Waiting for receivers (sender) or for a sender and the start (receiver). */
        WAITING,
        /** Data flowing: sending rounds and collecting their reports, or receiving. */
        TRANSFERRING,
        /** Every packet is there; the copies are being read back and hashed. */
        VERIFYING,
        /** Over. */
        DONE
    }

    static TransferProgress of(SenderEngine engine, long bytesTotal) {
        Phase phase = switch (engine.state()) {
            case WAITING -> Phase.WAITING;
            case SENDING, COLLECTING -> Phase.TRANSFERRING;
            case VERIFYING -> Phase.VERIFYING;
            case FINISHED -> Phase.DONE;
        };
        long done = phase == Phase.WAITING ? 0
                : engine.round() <= 1 && phase == Phase.TRANSFERRING ? (long) (engine.firstPassShare() * bytesTotal)
                : bytesTotal;
        return new TransferProgress(phase, done, bytesTotal, engine.round(), 0, engine.dataPackets(),
                engine.repairPackets(), engine.payloadBytesSent(), engine.currentRateBitsPerSecond());
    }

    static TransferProgress of(ReceiverEngine engine) {
        Phase phase = switch (engine.state()) {
            case LISTENING, JOINING, READY -> Phase.WAITING;
            case RECEIVING -> Phase.TRANSFERRING;
            case VERIFYING, REPORTING -> Phase.VERIFYING;
            case DONE -> Phase.DONE;
        };
        if (phase == Phase.VERIFYING) {
            // the read-back: of a block device, one more read of the whole image after the transfer
            return new TransferProgress(phase, engine.bytesVerified(), engine.imageSize(), engine.round(), 0, 0, 0, 0, 0);
        }
        return new TransferProgress(phase, engine.bytesReceived() + engine.storedBytesReused(), engine.bytesToReceive(), engine.round(),
                engine.missing(), 0, 0, 0, 0);
    }
}
