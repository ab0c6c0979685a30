package dev.imgcast.events;

import java.util.Objects;

/**
 * An event as it goes on the wire: its type (routing key), its id (AMQP {@code message_id}) and
 * its JSON. What an outbox stores and what {@link EventPublisher} sends.
 */
public record EncodedEvent(EventType type, String eventId, String json) {
    public EncodedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(json, "json");
    }

    /** From what an outbox row holds (routing key, event id, JSON). */
    public static EncodedEvent of(String routingKey, String eventId, String json) {
        EventType type = EventType.fromWireName(routingKey).orElseThrow(() -> new UnknownEventTypeException(routingKey));
        return new EncodedEvent(type, eventId, json);
    }
}
