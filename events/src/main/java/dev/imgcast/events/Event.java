package dev.imgcast.events;

/**
 * One event of the contract. Each type is a record (see {@link EventType}); the three families
 * are {@link SessionEvent}, {@link TransferEvent} and {@link ImageEvent}, so a consumer can
 * switch over them.
 */
public sealed interface Event permits SessionEvent, TransferEvent, ImageEvent {
    Envelope envelope();

    EventType type();

    default String eventId() {
        return envelope().eventId();
    }
}
