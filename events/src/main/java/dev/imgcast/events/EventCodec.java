package dev.imgcast.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The one way events become JSON and JSON becomes events. Encoding writes exactly what the
 * services have always sent; decoding accepts what a consumer is handed (RabbitMQ's bytes or
 * Buffer, the String of an in-process channel, a Vert.x JsonObject) and answers the typed record,
 * or throws {@link MalformedEventException} naming the field (or {@link UnknownEventTypeException}).
 */
public final class EventCodec {
    private EventCodec() {
    }

    /** The event's JSON with its routing key and id: what an outbox stores and the publisher sends. */
    public static EncodedEvent encode(Event event) {
        return new EncodedEvent(event.type(), event.eventId(), EventWriter.write(event));
    }

    /** The event's JSON. */
    public static String toJson(Event event) {
        return EventWriter.write(event);
    }

    /**
     * The event in a payload: {@code byte[]}, {@link Buffer}, {@link JsonObject}, or anything whose
     * {@code toString()} is the JSON (a String).
     *
     * @throws MalformedEventException if it does not follow the contract
     */
    public static Event decode(Object payload) {
        return EventReader.read(bytes(payload));
    }

    /**
     * The event in a payload, which must be of the given kind ({@code TransferEvent.class},
     * {@code SessionStarted.class}, …).
     *
     * @throws MalformedEventException if it does not follow the contract or is of another kind
     */
    public static <T extends Event> T decode(Object payload, Class<T> kind) {
        Event event = decode(payload);
        if (!kind.isInstance(event)) {
            throw new MalformedEventException(event.type().wireName(), "type",
                    "is not a " + kind.getSimpleName() + " on this channel");
        }
        return kind.cast(event);
    }

    /** The bytes of a payload as a consumer gets it (see {@link #decode(Object)}). */
    public static byte[] bytes(Object payload) {
        if (payload instanceof byte[] b) {
            return b;
        }
        if (payload instanceof Buffer b) {
            return b.getBytes();
        }
        if (payload instanceof JsonObject o) {
            return o.toBuffer().getBytes();
        }
        return String.valueOf(payload).getBytes(StandardCharsets.UTF_8);
    }
}
