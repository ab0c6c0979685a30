package dev.imgcast.session.model;

public enum ParticipantState {
    REGISTERED,
    /** Came after the start: waits for the next run of the same name. */
    QUEUED,
    TRANSFERRING,
    VERIFIED,
    FAILED,
    DROPPED,
    CANCELLED;

    public boolean terminal() {
        return this == VERIFIED || this == FAILED || this == DROPPED || this == CANCELLED;
    }
}
