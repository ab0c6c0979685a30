package dev.imgcast.events;

import java.util.Objects;

/**
 * A {@code participant} of a run, as session events carry it.
 *
 * @param id the participant id
 * @param deviceId the device's id
 * @param hostname or null
 * @param mac or null
 * @param address or null
 * @param role its role in the run
 * @param state REGISTERED, QUEUED, TRANSFERRING, VERIFIED, FAILED, DROPPED or CANCELLED
 * @param sha256 of its copy, once verified; else null
 * @param reason why it failed or was dropped; else null
 */
public record ParticipantInfo(long id, String deviceId, String hostname, String mac, String address, Role role,
                              String state, String sha256, String reason) {

    /** A participant's role. */
    public enum Role {
        MASTER,
        CLIENT,
        /** No role given: waits, and may still become the master. */
        NONE
    }

    public ParticipantInfo {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
    }
}
