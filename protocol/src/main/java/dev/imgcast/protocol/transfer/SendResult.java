package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.wire.Verdict;
import java.util.List;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How a send ended.
 *
 * @param startReason   why the transfer started (null: it never started: nobody came, or it was aborted first)
 * @param endReason     the sender's last word, e.g. "3 of 3 receivers verified"
 * @param receivers     every receiver that joined, with its outcome
 * @param sha256        the image's SHA-256 (from the manifest)
 * @param transferNanos from the start to the last result
 * @param dataPackets   DATA packets sent, repairs included
 * @param repairPackets of which repairs
 * @param rounds        rounds run
 * @param rateDecreases times the rate was lowered
 * @param rejections    datagrams the sender rejected, by verdict
 * @param badNaks       repair requests that made no sense
 * @param error         why the run itself failed (sockets, reading the image), else null
 * @param sendPath      how the datagrams left the socket (UDP GSO or one by one), for reports
 * @param repair        how repair went (parity symbols, round reports, group round-trip time), for reports
 */
public record SendResult(String startReason, String endReason, List<ReceiverResult> receivers, String sha256,
        long transferNanos, long dataPackets, long repairPackets, int rounds, long rateDecreases,
        Map<Verdict, Long> rejections, long badNaks, Throwable error, String sendPath, String repair) {

    public SendResult {
        receivers = List.copyOf(receivers);
        rejections = Collections.unmodifiableMap(rejections.isEmpty() ? new EnumMap<>(Verdict.class)
                : new EnumMap<>(rejections)); // in the verdicts' order, as reports print them
    }

    /** The transfer started, ran to its end, and had receivers. */
    public boolean ran() {
        return error == null && startReason != null && !receivers.isEmpty();
    }

    /** The sending device's own status: VERIFIED when the transfer ran (its receivers report for themselves). */
    public TransferStatus status() {
        return ran() ? TransferStatus.VERIFIED : TransferStatus.FAILED;
    }

    /** Why it failed, for a FAILED status. */
    public String reason() {
        if (error != null) {
            return error.getMessage() == null ? error.toString() : error.getMessage();
        }
        return endReason == null || endReason.isBlank() ? "the sender did not start" : endReason;
    }

    public long verified() {
        return receivers.stream().filter(r -> r.outcome() == ReceiverOutcome.VERIFIED).count();
    }

    /** Every receiver verified (and there was one). */
    public boolean allVerified() {
        return !receivers.isEmpty() && verified() == receivers.size();
    }
}
