package dev.imgcast.session.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgcast.session.support.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Adds events to the outbox inside the caller's transaction; the relay publishes them. */
@ApplicationScoped
public class Outbox {
    public static final int VERSION = 1;

    @Inject
    ObjectMapper json;
    @Inject
    AfterCommit afterCommit;
    @Inject
    OutboxRelay relay;
    @Inject
    InstantSource clock;

    /** {@code type} is also the routing key, e.g. {@code session.started}. */
    public void add(String type, Map<String, Object> body) {
        Instant now = clock.instant();
        OutboxEvent event = new OutboxEvent();
        event.eventId = UUID.randomUUID().toString();
        event.routingKey = type;
        event.createdAt = now;
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("version", VERSION);
        envelope.put("eventId", event.eventId);
        envelope.put("occurredAt", now.toString());
        envelope.putAll(body);
        try {
            event.payload = json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + type + " cannot be written as JSON", e);
        }
        event.persist();
        afterCommit.run(relay::kick);
    }
}
