package dev.imgcast.events;

import java.util.List;
import java.util.Objects;

/**
 * {@code session.started}: the run starts. The session carries the run's key (for the sender
 * only); {@code participants} are who is to receive, and the master.
 */
public record SessionStarted(Envelope envelope, SessionInfo session, List<ParticipantInfo> participants)
        implements SessionEvent {
    public SessionStarted {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(session, "session");
        participants = List.copyOf(participants);
    }

    @Override
    public EventType type() {
        return EventType.SESSION_STARTED;
    }
}
