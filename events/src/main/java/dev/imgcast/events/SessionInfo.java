package dev.imgcast.events;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The {@code session} object of every session event: one run of a named session.
 *
 * @param runId the run (consumers key on it)
 * @param name the session's name
 * @param runNo 1 for the first run of the name, then 2, 3, … for the runs of queued devices
 * @param state OPEN, STARTED, FINISHED, FAILED or CANCELLED (session-service's run states)
 * @param group the multicast group address
 * @param port the UDP port
 * @param sourceKind where the bytes come from
 * @param imageId the stored image, when the source is an image; else null
 * @param clients the {@code clients=N} rule, or null
 * @param time the {@code time=T} rule in decimal minutes, or null
 * @param senderAddress the sender's address once known, or null
 * @param startReason why the run started, or null
 * @param endReason why it ended, or null
 * @param key the run's key (base64); only in {@code session.started}, for the sender, else null
 */
public record SessionInfo(long runId, String name, int runNo, String state, String group, int port,
                          SourceKind sourceKind, String imageId, Integer clients, BigDecimal time,
                          String senderAddress, String startReason, String endReason, String key) {

    /** Where the bytes of a run come from. */
    public enum SourceKind {
        /** Nobody claimed master and no image was given: devices wait. */
        NONE,
        /** The master device sends its own disk. */
        DEVICE,
        /** A stored image, sent by a multicast-sender. */
        IMAGE
    }

    public SessionInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(sourceKind, "sourceKind");
    }

    /** The same run without its key (what every event but {@code session.started} carries). */
    public SessionInfo withoutKey() {
        return new SessionInfo(runId, name, runNo, state, group, port, sourceKind, imageId, clients, time,
                senderAddress, startReason, endReason, null);
    }
}
