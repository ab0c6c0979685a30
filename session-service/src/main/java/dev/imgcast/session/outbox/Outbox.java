package dev.imgcast.session.outbox;

import dev.imgcast.events.EncodedEvent;
import dev.imgcast.events.Event;
import dev.imgcast.events.EventCodec;
import dev.imgcast.session.support.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Adds events to the outbox inside the caller's transaction, as the event contract encodes
 * them; the relay publishes them once the transaction committed.
 */
@ApplicationScoped
public class Outbox {
    @Inject
    AfterCommit afterCommit;
    @Inject
    OutboxRelay relay;

    public void add(Event event) {
        EncodedEvent encoded = EventCodec.encode(event);
        OutboxEvent row = new OutboxEvent();
        row.eventId = encoded.eventId();
        row.routingKey = encoded.type().routingKey();
        row.payload = encoded.json();
        row.createdAt = event.envelope().occurredAt();
        row.persist();
        afterCommit.run(relay::kick);
    }
}
