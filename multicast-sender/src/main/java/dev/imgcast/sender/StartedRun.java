package dev.imgcast.sender;

import java.util.List;

/**
 * A run that session-service started, as {@code session.started} tells it: where to send (the
 * session's group and port, its key in base64), what (an image when the source kind is
 * {@code IMAGE}) and to whom.
 */
public record StartedRun(long runId, String name, String sourceKind, String imageId, String group, int port, String key,
                         List<Participant> participants) {
    /** The source kind of the runs the multicast-sender sends; others have a master device. */
    public static final String IMAGE = "IMAGE";

    public StartedRun {
        participants = participants == null ? List.of() : List.copyOf(participants);
    }

    /** The participants that receive: everyone but a master device. */
    public List<Participant> receivers() {
        return participants.stream().filter(p -> !Participant.MASTER.equals(p.role())).toList();
    }

    /** One registered device of the run. */
    public record Participant(String deviceId, String hostname, String address, String role) {
        public static final String MASTER = "MASTER";
    }
}
