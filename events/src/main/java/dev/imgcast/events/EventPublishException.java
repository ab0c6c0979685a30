package dev.imgcast.events;

/**
 * An event the broker did not confirm: refused (nack), not confirmed in time, or not even
 * accepted by the channel. The event may or may not have reached the broker; the caller decides
 * (keep it in its outbox and retry, fail the operation, log it as lost).
 */
public class EventPublishException extends RuntimeException {
    private final EncodedEvent event;

    public EventPublishException(EncodedEvent event, String problem, Throwable cause) {
        super("event " + event.type() + " " + event.eventId() + " not published: " + problem, cause);
        this.event = event;
    }

    public EncodedEvent event() {
        return event;
    }
}
