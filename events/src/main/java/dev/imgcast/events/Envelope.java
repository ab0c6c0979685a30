package dev.imgcast.events;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.UUID;

/**
 * What every event carries besides its type: {@code eventId} (a UUID, also the AMQP
 * {@code message_id}; consumers deduplicate on it, delivery being at least once) and
 * {@code occurredAt} (ISO-8601). The {@code version} on the wire is {@link #VERSION}.
 */
public record Envelope(String eventId, Instant occurredAt) {
    /** The one version of the contract; a reader rejects any other. */
    public static final int VERSION = 1;

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** A new event id, occurring now. */
    public static Envelope now() {
        return at(InstantSource.system());
    }

    /** A new event id, occurring at the clock's instant. */
    public static Envelope at(InstantSource clock) {
        return new Envelope(UUID.randomUUID().toString(), clock.instant());
    }
}
