package dev.imgcast.events;

/** Published by session-service to {@code imgcast.session}; every one carries the run. */
public sealed interface SessionEvent extends Event
        permits SessionOpened, ParticipantRegistered, SessionStarted, SessionRunFinished {
    SessionInfo session();
}
