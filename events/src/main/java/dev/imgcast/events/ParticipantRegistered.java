package dev.imgcast.events;

import java.util.Objects;

/** {@code session.participant-registered}: a device registers, or a queued device moves into the next run. */
public record ParticipantRegistered(Envelope envelope, SessionInfo session, ParticipantInfo participant)
        implements SessionEvent {
    public ParticipantRegistered {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(participant, "participant");
    }

    @Override
    public EventType type() {
        return EventType.SESSION_PARTICIPANT_REGISTERED;
    }
}
