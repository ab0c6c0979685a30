package dev.imgcast.sender;

/**
 * A session event as the multicast-sender sees it: its type and version, the run it is about
 * (null when the event carries none), and whether the broker delivers it a second time (the
 * replica that had it stopped before acknowledging it).
 */
public record SessionEvent(String type, int version, StartedRun run, boolean redelivered) {
    public static final String STARTED = "session.started";
}
