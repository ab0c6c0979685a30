package dev.imgcast.registry.client;

import dev.imgcast.protocol.transfer.ReceiveResult;
import dev.imgcast.protocol.transfer.SendResult;
import dev.imgcast.protocol.transfer.TransferStatus;
import io.vertx.core.json.JsonObject;

/**
 * A device's progress or result, as session-service takes it: TRANSFERRING with bytes, VERIFIED
 * with the SHA-256, FAILED or DROPPED with a reason.
 */
public record Report(String state, Long bytesDone, Long bytesTotal, String sha256, String reason) {
    public static final String TRANSFERRING = "TRANSFERRING";

    public static Report transferring(long bytesDone, long bytesTotal) {
        return new Report(TRANSFERRING, bytesDone, bytesTotal, null, null);
    }

    public static Report verified(String sha256, Long bytesDone, Long bytesTotal) {
        return new Report(TransferStatus.VERIFIED.name(), bytesDone, bytesTotal, sha256, null);
    }

    /** A failure (FAILED or DROPPED) with its reason, never blank. */
    public static Report failed(TransferStatus status, String reason) {
        if (status == TransferStatus.VERIFIED) {
            throw new IllegalArgumentException("a verified copy is reported with its SHA-256");
        }
        return new Report(status.name(), null, null, null, reason == null || reason.isBlank() ? "failed" : reason);
    }

    /** A receiving device's result. */
    public static Report of(ReceiveResult result) {
        return result.verified() ? verified(result.sha256(), result.bytesToReceive(), result.bytesToReceive())
                : failed(result.status(), result.reason());
    }

    /** A sending device's result: verified when the transfer ran (each receiver reports for itself). */
    public static Report of(SendResult result) {
        return result.status() == TransferStatus.VERIFIED ? verified(result.sha256(), null, null)
                : failed(TransferStatus.FAILED, result.reason());
    }

    JsonObject toJson() {
        JsonObject body = new JsonObject().put("state", state);
        if (bytesDone != null) {
            body.put("bytesDone", bytesDone);
        }
        if (bytesTotal != null) {
            body.put("bytesTotal", bytesTotal);
        }
        if (sha256 != null) {
            body.put("sha256", sha256);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }
}
