package dev.imgcast.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One event of every type with every optional field set, and one with none of them. */
final class Examples {
    static final Envelope ENVELOPE = new Envelope("3f0c2a4e-5b7d-4e1f-9a8b-0c1d2e3f4a5b",
            Instant.parse("2026-12-03T07:25:20.123456Z"));
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static final SessionInfo SESSION_FULL = new SessionInfo(42, "lab3", 2, "STARTED", "231.14.237.182", 9100,
            SessionInfo.SourceKind.IMAGE, "win11", 30, new BigDecimal("0.5"), "10.0.0.1",
            "clients=30 reached (30 registered)", null, "c2VjcmV0LWtleS0zMi1ieXRlcy1sb25nLi4uLi4=");
    static final SessionInfo SESSION_MINIMAL = new SessionInfo(7, "mcast01", 1, "OPEN", "231.1.2.3", 9100,
            SessionInfo.SourceKind.NONE, null, null, null, null, null, null, null);
    static final ParticipantInfo MASTER = new ParticipantInfo(100, "m", "pc-00", "aa:bb:cc:dd:ee:00", "10.0.0.10",
            ParticipantInfo.Role.MASTER, "VERIFIED", SHA, null);
    static final ParticipantInfo CLIENT = new ParticipantInfo(101, "c1", null, null, null,
            ParticipantInfo.Role.CLIENT, "DROPPED", null, "no result within 20 s");
    static final ImageInfo IMAGE = new ImageInfo("win11", 8_589_934_592L, 4_194_304, 2048, 17, SHA);

    private Examples() {
    }

    /** Per type: the fullest event and the barest one. */
    static Map<EventType, List<Event>> all() {
        SessionInfo noKey = SESSION_FULL.withoutKey();
        return Map.of(
                EventType.SESSION_OPENED, List.of(new SessionOpened(ENVELOPE, noKey),
                        new SessionOpened(ENVELOPE, SESSION_MINIMAL)),
                EventType.SESSION_PARTICIPANT_REGISTERED, List.of(new ParticipantRegistered(ENVELOPE, noKey, MASTER),
                        new ParticipantRegistered(ENVELOPE, SESSION_MINIMAL, CLIENT)),
                EventType.SESSION_STARTED, List.of(new SessionStarted(ENVELOPE, SESSION_FULL, List.of(MASTER, CLIENT)),
                        new SessionStarted(ENVELOPE, SESSION_MINIMAL, List.of())),
                EventType.SESSION_RUN_FINISHED, List.of(new SessionRunFinished(ENVELOPE, noKey, 1, List.of(MASTER, CLIENT), 3),
                        new SessionRunFinished(ENVELOPE, SESSION_MINIMAL, 0, List.of(), 0)),
                EventType.TRANSFER_STARTED, List.of(new TransferStarted(ENVELOPE, 42, "10.0.0.1")),
                EventType.TRANSFER_PROGRESS, List.of(
                        TransferProgress.ofSender(ENVELOPE, 42, 4096, 8192, 1, 5000, 4, 1, 500_000_000),
                        TransferProgress.ofDevice(ENVELOPE, 42, "c1", 512, 2048),
                        new TransferProgress(ENVELOPE, 42, null, 0, 0, null, null, null, null, null)),
                EventType.TRANSFER_RESULT, List.of(
                        new TransferResult(ENVELOPE, 42, "c1", TransferResult.Outcome.VERIFIED, SHA, null),
                        new TransferResult(ENVELOPE, 42, "c2", TransferResult.Outcome.FAILED, null, "disk full")),
                EventType.TRANSFER_FINISHED, List.of(
                        new TransferFinished(ENVELOPE, 42, TransferFinished.Outcome.FINISHED, "2 of 2 verified"),
                        new TransferFinished(ENVELOPE, 42, TransferFinished.Outcome.FAILED, null)),
                EventType.IMAGE_STORED, List.of(new ImageStored(ENVELOPE, IMAGE)),
                EventType.IMAGE_DELETED, List.of(new ImageDeleted(ENVELOPE, IMAGE)));
    }
}
