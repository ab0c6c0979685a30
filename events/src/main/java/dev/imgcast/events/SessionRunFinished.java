package dev.imgcast.events;

import java.util.List;
import java.util.Objects;

/**
 * {@code session.run-finished}: the run ended FINISHED, FAILED or CANCELLED.
 *
 * @param verified how many receiving devices verified their copy
 * @param participants the run's participants with their results
 * @param queuedForNextRun how many devices wait for the next run of the name
 */
public record SessionRunFinished(Envelope envelope, SessionInfo session, long verified, List<ParticipantInfo> participants,
                                 int queuedForNextRun) implements SessionEvent {
    public SessionRunFinished {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(session, "session");
        participants = List.copyOf(participants);
    }

    @Override
    public EventType type() {
        return EventType.SESSION_RUN_FINISHED;
    }
}
