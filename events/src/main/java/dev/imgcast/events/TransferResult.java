package dev.imgcast.events;

import java.util.Objects;

/**
 * {@code transfer.result}: one device's result. VERIFIED carries the device's {@code sha256};
 * FAILED and DROPPED carry a {@code reason}.
 */
public record TransferResult(Envelope envelope, long runId, String deviceId, Outcome outcome, String sha256,
                             String reason) implements TransferEvent {

    /** A device's result. */
    public enum Outcome {
        VERIFIED,
        FAILED,
        DROPPED
    }

    public TransferResult {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.TRANSFER_RESULT;
    }
}
