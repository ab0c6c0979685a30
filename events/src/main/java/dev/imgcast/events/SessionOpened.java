package dev.imgcast.events;

import java.util.Objects;

/** {@code session.opened}: a run opens, or an open run whose devices wait gets an image from the server. */
public record SessionOpened(Envelope envelope, SessionInfo session) implements SessionEvent {
    public SessionOpened {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(session, "session");
    }

    @Override
    public EventType type() {
        return EventType.SESSION_OPENED;
    }
}
