package dev.imgcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codec writes byte for byte what each service built by hand before this module: the
 * builders below are the services' code as it was (session-service: a LinkedHashMap written by
 * Jackson; multicast-sender and image-store: a Vert.x JsonObject), fed the same values.
 */
class TodaysProducersTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void sessionServiceOutbox() throws Exception {
        for (Event event : List.of(Examples.all().get(EventType.SESSION_OPENED).get(0),
                Examples.all().get(EventType.SESSION_OPENED).get(1))) {
            SessionOpened e = (SessionOpened) event;
            assertEquals(outbox(e, Map.of("session", session(e.session(), false))), EventCodec.toJson(e));
        }
        for (Event event : Examples.all().get(EventType.SESSION_PARTICIPANT_REGISTERED)) {
            ParticipantRegistered e = (ParticipantRegistered) event;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("session", session(e.session(), false));
            body.put("participant", participant(e.participant()));
            assertEquals(outbox(e, body), EventCodec.toJson(e));
        }
        for (Event event : Examples.all().get(EventType.SESSION_STARTED)) {
            SessionStarted e = (SessionStarted) event;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("session", session(e.session(), true));
            body.put("participants", e.participants().stream().map(TodaysProducersTest::participant).toList());
            assertEquals(outbox(e, body), EventCodec.toJson(e));
        }
        for (Event event : Examples.all().get(EventType.SESSION_RUN_FINISHED)) {
            SessionRunFinished e = (SessionRunFinished) event;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("session", session(e.session(), false));
            body.put("verified", e.verified());
            body.put("participants", e.participants().stream().map(TodaysProducersTest::participant).toList());
            body.put("queuedForNextRun", e.queuedForNextRun());
            assertEquals(outbox(e, body), EventCodec.toJson(e));
        }
    }

    @Test
    void theTimeRuleInDecimalMinutesAsSessionServiceWritesIt() throws Exception {
        for (long millis : new long[] {6_000, 600_000, 90_000, 1}) {
            BigDecimal minutes = BigDecimal.valueOf(millis).divide(BigDecimal.valueOf(60_000), 6, RoundingMode.HALF_UP)
                    .stripTrailingZeros();
            SessionInfo s = Examples.SESSION_MINIMAL;
            SessionInfo timed = new SessionInfo(s.runId(), s.name(), s.runNo(), s.state(), s.group(), s.port(),
                    s.sourceKind(), null, null, minutes, null, null, null, null);
            SessionOpened e = new SessionOpened(Examples.ENVELOPE, timed);
            String json = EventCodec.toJson(e);
            assertEquals(outbox(e, Map.of("session", session(timed, false))), json);
            assertEquals(e, EventCodec.decode(json), json);
        }
    }

    @Test
    void multicastSender() {
        for (Event event : Examples.all().get(EventType.TRANSFER_STARTED)) {
            TransferStarted e = (TransferStarted) event;
            assertEquals(base(e, e.runId()).put("senderAddress", e.senderAddress()).encode(), EventCodec.toJson(e));
        }
        TransferProgress p = (TransferProgress) Examples.all().get(EventType.TRANSFER_PROGRESS).get(0);
        assertEquals(base(p, p.runId()).put("bytesDone", p.bytesDone()).put("bytesTotal", p.bytesTotal())
                .put("round", p.round()).put("payloadBytesSent", p.payloadBytesSent()).put("dataPackets", p.dataPackets())
                .put("repairPackets", p.repairPackets()).put("rateBitsPerSecond", p.rateBitsPerSecond()).encode(),
                EventCodec.toJson(p));
        for (Event event : Examples.all().get(EventType.TRANSFER_RESULT)) {
            TransferResult e = (TransferResult) event;
            JsonObject o = base(e, e.runId()).put("deviceId", e.deviceId()).put("outcome", e.outcome().name());
            if (e.outcome() == TransferResult.Outcome.VERIFIED) {
                o.put("sha256", e.sha256());
            } else {
                o.put("reason", e.reason());
            }
            assertEquals(o.encode(), EventCodec.toJson(e));
        }
        for (Event event : Examples.all().get(EventType.TRANSFER_FINISHED)) {
            TransferFinished e = (TransferFinished) event;
            assertEquals(base(e, e.runId()).put("outcome", e.outcome().name()).put("reason", e.reason()).encode(),
                    EventCodec.toJson(e));
        }
    }

    @Test
    void imageStore() {
        for (EventType type : List.of(EventType.IMAGE_STORED, EventType.IMAGE_DELETED)) {
            ImageEvent e = (ImageEvent) Examples.all().get(type).get(0);
            ImageInfo i = e.image();
            String legacy = new JsonObject().put("type", type.wireName()).put("version", 1).put("eventId", e.eventId())
                    .put("occurredAt", e.envelope().occurredAt().toString())
                    .put("image", new JsonObject().put("id", i.id()).put("size", i.size()).put("blockSize", i.blockSize())
                            .put("blockCount", i.blockCount()).put("zeroBlocks", i.zeroBlocks()).put("sha256", i.sha256()))
                    .encode();
            assertEquals(legacy, EventCodec.toJson(e));
        }
    }

    // session-service: Outbox.add and Events, as they were

    private static String outbox(Event e, Map<String, Object> body) throws Exception {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", e.type().wireName());
        envelope.put("version", 1);
        envelope.put("eventId", e.eventId());
        envelope.put("occurredAt", e.envelope().occurredAt().toString());
        envelope.putAll(body);
        return JACKSON.writeValueAsString(envelope);
    }

    private static Map<String, Object> session(SessionInfo run, boolean withKey) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runId", run.runId());
        s.put("name", run.name());
        s.put("runNo", run.runNo());
        s.put("state", run.state());
        s.put("group", run.group());
        s.put("port", run.port());
        s.put("sourceKind", run.sourceKind().name());
        put(s, "imageId", run.imageId());
        put(s, "clients", run.clients());
        put(s, "time", run.time());
        put(s, "senderAddress", run.senderAddress());
        put(s, "startReason", run.startReason());
        put(s, "endReason", run.endReason());
        if (withKey) {
            s.put("key", run.key());
        }
        return s;
    }

    private static Map<String, Object> participant(ParticipantInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("deviceId", p.deviceId());
        put(m, "hostname", p.hostname());
        put(m, "mac", p.mac());
        put(m, "address", p.address());
        m.put("role", p.role().name());
        m.put("state", p.state());
        put(m, "sha256", p.sha256());
        put(m, "reason", p.reason());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    // multicast-sender: TransferEvents.base, as it was

    private static JsonObject base(Event e, long runId) {
        return new JsonObject().put("type", e.type().wireName()).put("version", 1).put("eventId", e.eventId())
                .put("occurredAt", e.envelope().occurredAt().toString()).put("runId", runId);
    }
}
