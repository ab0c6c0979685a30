package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.wire.Verdict;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How a receive ended.
 *
 * @param status        VERIFIED, FAILED or DROPPED ({@link TransferStatus#of(ReceiverEngine)})
 * @param failure       why the engine failed (NONE when verified); an exit code can be chosen from it
 * @param message       the engine's last word (why it failed), or the error's message
 * @param sha256        SHA-256 of what was written (when verified)
 * @param imageSize     size of the image
 * @param bytesToReceive bytes to receive: the stored (compressed or raw) forms of the non-zero blocks
 * @param bytesReceived bytes of stored forms received
 * @param duplicates    data packets received twice
 * @param rejected      datagrams rejected in all
 * @param rejections    datagrams rejected, by verdict
 * @param outOfRange    authentic packets outside the image
 * @param crcFailures   blocks that failed their CRC32C and were fetched again
 * @param bytesReused   image bytes a resumed receiver found already on its target and kept
 * @param verifiedOnDevice true when the SHA-256 was read back from the device itself, past the page cache
 * @param error         why the run itself failed (sockets), else null
 */
public record ReceiveResult(TransferStatus status, ReceiverEngine.Failure failure, String message, String sha256,
        long imageSize, long bytesToReceive, long bytesReceived, long duplicates, long rejected, Map<Verdict, Long> rejections,
        long outOfRange, long crcFailures, long bytesReused, boolean verifiedOnDevice, Throwable error) {

    public ReceiveResult {
        rejections = Collections.unmodifiableMap(rejections.isEmpty() ? new EnumMap<>(Verdict.class)
                : new EnumMap<>(rejections)); // in the verdicts' order, as reports print them
    }

    public boolean verified() {
        return status == TransferStatus.VERIFIED;
    }

    /** Why it did not verify, never blank. */
    public String reason() {
        if (error != null) {
            return error.getMessage() == null ? error.toString() : error.getMessage();
        }
        return message == null || message.isBlank() ? "failed" : message;
    }

    static ReceiveResult of(ReceiverEngine engine, Throwable error) {
        TransferStatus status = error == null ? TransferStatus.of(engine) : TransferStatus.FAILED;
        return new ReceiveResult(status, engine.failure(), engine.message(), engine.writtenSha256(),
                engine.imageSize(), engine.bytesToReceive(), engine.bytesReceived(), engine.duplicates(), engine.counters().rejected(),
                engine.counters().rejections(), engine.outOfRange(), engine.crcFailures(), engine.bytesReused(),
                engine.verifiedOnDevice(), error);
    }
}
