package dev.imgcast.events;

import java.util.Objects;

/** {@code transfer.started}: the multicast-sender starts sending the run, from this address. */
public record TransferStarted(Envelope envelope, long runId, String senderAddress) implements TransferEvent {
    public TransferStarted {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(senderAddress, "senderAddress");
    }

    @Override
    public EventType type() {
        return EventType.TRANSFER_STARTED;
    }
}
