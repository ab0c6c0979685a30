package dev.imgcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips, the exact JSON the services send, and every way an event can be malformed. */
class EventCodecTest {

    @Test
    void everyTypeComesBackAsItWent() {
        assertEquals(EventType.values().length, Examples.all().size(), "an example of every type");
        Examples.all().forEach((type, events) -> {
            for (Event event : events) {
                assertEquals(type, event.type());
                EncodedEvent encoded = EventCodec.encode(event);
                assertEquals(type, encoded.type());
                assertEquals(event.eventId(), encoded.eventId());
                Event back = EventCodec.decode(encoded.json());
                assertEquals(event, back, encoded.json());
                assertEquals(encoded.json(), EventCodec.toJson(back), "the same bytes again");
            }
        });
    }

    @Test
    void whatTheMulticastSenderSendsIsReadAndWrittenByteForByte() {
        String progress = "{\"type\":\"transfer.progress\",\"version\":1,\"eventId\":\"3f0c2a4e-5b7d-4e1f-9a8b-0c1d2e3f4a5b\","
                + "\"occurredAt\":\"2026-12-03T07:25:20.123456Z\",\"runId\":42,\"bytesDone\":4096,\"bytesTotal\":8192,"
                + "\"round\":1,\"payloadBytesSent\":5000,\"dataPackets\":4,\"repairPackets\":1,\"rateBitsPerSecond\":500000000}";
        TransferProgress p = EventCodec.decode(progress, TransferProgress.class);
        assertNull(p.deviceId());
        assertEquals(500_000_000L, p.rateBitsPerSecond());
        assertEquals(progress, EventCodec.toJson(p));

        String finished = "{\"type\":\"transfer.finished\",\"version\":1,\"eventId\":\"3f0c2a4e-5b7d-4e1f-9a8b-0c1d2e3f4a5b\","
                + "\"occurredAt\":\"2026-12-03T07:25:20.123456Z\",\"runId\":42,\"outcome\":\"FAILED\",\"reason\":null}";
        assertEquals(finished, EventCodec.toJson(EventCodec.decode(finished)));
    }

    @Test
    void whatSessionServiceSendsIsReadAndWrittenByteForByte() {
        String started = "{\"type\":\"session.started\",\"version\":1,\"eventId\":\"3f0c2a4e-5b7d-4e1f-9a8b-0c1d2e3f4a5b\","
                + "\"occurredAt\":\"2026-12-03T07:25:20.123456Z\",\"session\":{\"runId\":42,\"name\":\"lab3\",\"runNo\":1,"
                + "\"state\":\"STARTED\",\"group\":\"231.14.237.182\",\"port\":9100,\"sourceKind\":\"DEVICE\",\"clients\":1,"
                + "\"time\":1E+1,\"senderAddress\":\"10.0.0.10\",\"startReason\":\"clients=1 reached (1 registered)\","
                + "\"key\":\"c2VjcmV0\"},\"participants\":[{\"id\":100,\"deviceId\":\"m\",\"hostname\":\"pc-00\","
                + "\"role\":\"MASTER\",\"state\":\"REGISTERED\"},{\"id\":101,\"deviceId\":\"c1\",\"role\":\"CLIENT\","
                + "\"state\":\"REGISTERED\"}]}";
        SessionStarted s = EventCodec.decode(started.getBytes(StandardCharsets.UTF_8), SessionStarted.class);
        assertEquals("c2VjcmV0", s.session().key());
        assertEquals(SessionInfo.SourceKind.DEVICE, s.session().sourceKind());
        assertEquals(0, s.session().time().compareTo(java.math.BigDecimal.TEN), "time=10 minutes");
        assertEquals(ParticipantInfo.Role.MASTER, s.participants().get(0).role());
        assertEquals(started, EventCodec.toJson(s));
    }

    @Test
    void whatImageStoreSendsIsReadAndWrittenByteForByte() {
        String stored = "{\"type\":\"image.stored\",\"version\":1,\"eventId\":\"3f0c2a4e-5b7d-4e1f-9a8b-0c1d2e3f4a5b\","
                + "\"occurredAt\":\"2026-12-03T07:25:20.123456Z\",\"image\":{\"id\":\"win11\",\"size\":8589934592,"
                + "\"blockSize\":4194304,\"blockCount\":2048,\"zeroBlocks\":17,\"sha256\":\"" + Examples.SHA + "\"}}";
        ImageEvent e = EventCodec.decode(Buffer.buffer(stored), ImageEvent.class);
        assertEquals(Examples.IMAGE, e.image());
        assertEquals(stored, EventCodec.toJson(e));
    }

    @Test
    void everyPayloadKindAConsumerIsHandedIsRead() {
        Event event = Examples.all().get(EventType.TRANSFER_RESULT).get(0);
        String json = EventCodec.toJson(event);
        assertEquals(event, EventCodec.decode(json));
        assertEquals(event, EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(event, EventCodec.decode(Buffer.buffer(json)));
        assertEquals(event, EventCodec.decode(new JsonObject(json)));
    }

    // ------------------------------------------------------------------ malformed

    @Test
    void notJsonSaysSo() {
        MalformedEventException e = malformed("this is not json");
        assertNull(e.field());
        assertTrue(e.getMessage().startsWith("event: not JSON"), e.getMessage());
        assertTrue(malformed("{\"type\":\"transfer.started\"} trailing").getMessage().contains("not JSON"));
        assertEquals("event: not a JSON object", malformed("[1,2]").getMessage());
        assertEquals("event: not a JSON object", malformed("").getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        assertEquals("type", malformed("{\"version\":1}").field());
        MalformedEventException e = malformed("{\"type\":\"transfer.progress\",\"version\":1}");
        assertEquals("eventId", e.field());
        assertEquals("transfer.progress", e.type());
        assertEquals("transfer.progress: field 'eventId' is missing", e.getMessage());
        assertEquals("runId", malformed(transfer("transfer.started", "\"senderAddress\":\"10.0.0.1\"")).field());
        assertEquals("deviceId", malformed(transfer("transfer.result", "\"runId\":1,\"outcome\":\"VERIFIED\"")).field());
        assertEquals("bytesTotal", malformed(transfer("transfer.progress", "\"runId\":1,\"deviceId\":\"c1\",\"bytesDone\":1"))
                .field());
        String noPort = EventCodec.toJson(Examples.all().get(EventType.SESSION_OPENED).get(0)).replace("\"port\":9100,", "");
        assertEquals("session.port", malformed(noPort).field());
        String nullImage = EventCodec.toJson(Examples.all().get(EventType.IMAGE_STORED).get(0))
                .replaceAll("\"image\":\\{.*}}$", "\"image\":null}");
        assertEquals("image", malformed(nullImage).field());
    }

    @Test
    void aFieldOfTheWrongKindIsNamed() {
        MalformedEventException e = malformed(transfer("transfer.started", "\"runId\":\"12\",\"senderAddress\":\"10.0.0.1\""));
        assertEquals("runId", e.field());
        assertEquals("transfer.started: field 'runId' must be an integer, was \"12\"", e.getMessage());
        assertEquals("runId", malformed(transfer("transfer.started", "\"runId\":1.5,\"senderAddress\":\"a\"")).field());
        assertEquals("senderAddress", malformed(transfer("transfer.started", "\"runId\":1,\"senderAddress\":7")).field());
        MalformedEventException outcome = malformed(transfer("transfer.result",
                "\"runId\":1,\"deviceId\":\"c1\",\"outcome\":\"EXPLODED\""));
        assertEquals("outcome", outcome.field());
        assertTrue(outcome.getMessage().contains("[VERIFIED, FAILED, DROPPED]"), outcome.getMessage());
        assertEquals("payloadBytesSent", malformed(transfer("transfer.progress",
                "\"runId\":1,\"bytesDone\":1,\"bytesTotal\":2,\"payloadBytesSent\":-1")).field());
        assertEquals("occurredAt", malformed("{\"type\":\"transfer.started\",\"version\":1,\"eventId\":\"x\","
                + "\"occurredAt\":\"yesterday\",\"runId\":1,\"senderAddress\":\"a\"}").field());
        String badRole = EventCodec.toJson(Examples.all().get(EventType.SESSION_STARTED).get(0)).replace("\"CLIENT\"", "\"BOSS\"");
        assertEquals("participants[1].role", malformed(badRole).field());
        String sessionNotObject = EventCodec.toJson(Examples.all().get(EventType.SESSION_OPENED).get(1))
                .replaceAll("\"session\":\\{.*}}$", "\"session\":\"lab3\"}");
        assertEquals("session", malformed(sessionNotObject).field());
    }

    @Test
    void anotherVersionIsRefused() {
        MalformedEventException e = malformed("{\"type\":\"transfer.progress\",\"version\":99,\"runId\":1}");
        assertEquals("version", e.field());
        assertEquals("transfer.progress: field 'version' must be 1, was 99", e.getMessage());
        assertEquals("version", malformed("{\"type\":\"transfer.progress\",\"runId\":1}").field());
    }

    @Test
    void anUnknownTypeIsItsOwnKindOfMalformed() {
        MalformedEventException e = malformed("{\"type\":\"session.exploded\",\"version\":1}");
        assertInstanceOf(UnknownEventTypeException.class, e);
        assertEquals("type", e.field());
        assertEquals("session.exploded: field 'type' is not an event type of this contract: \"session.exploded\"",
                e.getMessage());
        assertEquals("type", malformed("{\"type\":7,\"version\":1}").field());
        assertThrows(UnknownEventTypeException.class, () -> EncodedEvent.of("session.exploded", "id", "{}"));
    }

    @Test
    void anEventOfAnotherKindThanTheChannelCarriesIsRefused() {
        String json = EventCodec.toJson(Examples.all().get(EventType.IMAGE_DELETED).get(0));
        MalformedEventException e = assertThrows(MalformedEventException.class,
                () -> EventCodec.decode(json, TransferEvent.class));
        assertEquals("type", e.field());
        assertEquals("image.deleted: field 'type' is not a TransferEvent on this channel", e.getMessage());
    }

    @Test
    void unknownFieldsAreIgnoredSoAProducerMayAddOne() {
        String json = EventCodec.toJson(Examples.all().get(EventType.TRANSFER_STARTED).get(0));
        Event e = EventCodec.decode(json.replace("\"runId\"", "\"newField\":[1],\"runId\""));
        assertEquals(Examples.all().get(EventType.TRANSFER_STARTED).get(0), e);
    }

    @Test
    void theRecordsRefuseWhatCouldNotBeWritten() {
        assertThrows(NullPointerException.class, () -> new TransferResult(Examples.ENVELOPE, 1, null,
                TransferResult.Outcome.VERIFIED, Examples.SHA, null));
        assertThrows(NullPointerException.class, () -> new Envelope(null, java.time.Instant.now()));
        List<ParticipantInfo> mutable = new java.util.ArrayList<>(List.of(Examples.MASTER));
        SessionStarted s = new SessionStarted(Examples.ENVELOPE, Examples.SESSION_FULL, mutable);
        mutable.clear();
        assertEquals(1, s.participants().size(), "copied");
    }

    private static String transfer(String type, String fields) {
        return "{\"type\":\"" + type + "\",\"version\":1,\"eventId\":\"e1\",\"occurredAt\":\"2026-12-03T07:25:20Z\","
                + fields + "}";
    }

    private static MalformedEventException malformed(String payload) {
        return assertThrows(MalformedEventException.class, () -> EventCodec.decode(payload));
    }
}
