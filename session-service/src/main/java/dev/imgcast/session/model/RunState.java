package dev.imgcast.session.model;

/** The life of one run of a session. OPEN and STARTED are "live": one live run per name. */
public enum RunState {
    /** Devices register; the start rules are watched. */
    OPEN,
    /** Imaging runs; late devices are queued for the next run. */
    STARTED,
    /** Every participant verified its copy. */
    FINISHED,
    /** The transfer ended with at least one participant not verified, or the sender failed. */
    FAILED,
    /** An admin cancelled the run. */
    CANCELLED;

    public boolean live() {
        return this == OPEN || this == STARTED;
    }
}
