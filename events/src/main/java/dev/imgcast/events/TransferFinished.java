package dev.imgcast.events;

import java.util.Objects;

/**
 * {@code transfer.finished}: the sender is done with the run. {@code reason} is always on the
 * wire (null when the sender had none).
 */
public record TransferFinished(Envelope envelope, long runId, Outcome outcome, String reason) implements TransferEvent {

    /** How the sender's part ended. */
    public enum Outcome {
        FINISHED,
        FAILED
    }

    public TransferFinished {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.TRANSFER_FINISHED;
    }
}
