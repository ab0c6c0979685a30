package dev.imgcast.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Reads an event strictly: a JSON object, a known {@code type}, {@code version} 1, the envelope,
 * then the fields of the type (see the catalogue). Fields it does not know are ignored, so a
 * producer may add one before its consumers read it.
 */
final class EventReader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private EventReader() {
    }

    static Event read(byte[] payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException(null, null, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedEventException(null, null, "not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException(null, null, "not a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw new MalformedEventException(null, "type", "is missing");
        }
        if (!typeNode.isTextual()) {
            throw new MalformedEventException(null, "type", "must be a string, was " + typeNode);
        }
        String wireName = typeNode.textValue();
        EventType type = EventType.fromWireName(wireName).orElseThrow(() -> new UnknownEventTypeException(wireName));
        JsonFields f = new JsonFields(wireName, "", root);
        int version = f.intValue("version");
        if (version != Envelope.VERSION) {
            throw f.problem("version", "must be " + Envelope.VERSION + ", was " + version);
        }
        Envelope envelope = new Envelope(f.string("eventId"), f.instant("occurredAt"));
        return switch (type) {
            case SESSION_OPENED -> new SessionOpened(envelope, session(f.object("session")));
            case SESSION_PARTICIPANT_REGISTERED -> new ParticipantRegistered(envelope, session(f.object("session")),
                    participant(f.object("participant")));
            case SESSION_STARTED -> new SessionStarted(envelope, session(f.object("session")),
                    participants(f.objects("participants")));
            case SESSION_RUN_FINISHED -> new SessionRunFinished(envelope, session(f.object("session")), f.count("verified"),
                    participants(f.objects("participants")), f.intValue("queuedForNextRun"));
            case TRANSFER_STARTED -> new TransferStarted(envelope, f.longValue("runId"), f.string("senderAddress"));
            case TRANSFER_PROGRESS -> new TransferProgress(envelope, f.longValue("runId"), f.optionalString("deviceId"),
                    f.count("bytesDone"), f.count("bytesTotal"), f.optionalInt("round"), f.optionalCount("payloadBytesSent"),
                    f.optionalCount("dataPackets"), f.optionalCount("repairPackets"), f.optionalCount("rateBitsPerSecond"));
            case TRANSFER_RESULT -> new TransferResult(envelope, f.longValue("runId"), f.string("deviceId"),
                    f.enumValue("outcome", TransferResult.Outcome.class), f.optionalString("sha256"), f.optionalString("reason"));
            case TRANSFER_FINISHED -> new TransferFinished(envelope, f.longValue("runId"),
                    f.enumValue("outcome", TransferFinished.Outcome.class), f.optionalString("reason"));
            case IMAGE_STORED -> new ImageStored(envelope, image(f.object("image")));
            case IMAGE_DELETED -> new ImageDeleted(envelope, image(f.object("image")));
        };
    }

    private static SessionInfo session(JsonFields s) {
        return new SessionInfo(s.longValue("runId"), s.string("name"), s.intValue("runNo"), s.string("state"), s.string("group"),
                s.intValue("port"), s.enumValue("sourceKind", SessionInfo.SourceKind.class), s.optionalString("imageId"),
                s.optionalInt("clients"), s.optionalDecimal("time"), s.optionalString("senderAddress"),
                s.optionalString("startReason"), s.optionalString("endReason"), s.optionalString("key"));
    }

    private static List<ParticipantInfo> participants(List<JsonFields> items) {
        return items.stream().map(EventReader::participant).toList();
    }

    private static ParticipantInfo participant(JsonFields p) {
        return new ParticipantInfo(p.longValue("id"), p.string("deviceId"), p.optionalString("hostname"),
                p.optionalString("mac"), p.optionalString("address"), p.enumValue("role", ParticipantInfo.Role.class),
                p.string("state"), p.optionalString("sha256"), p.optionalString("reason"));
    }

    private static ImageInfo image(JsonFields i) {
        return new ImageInfo(i.string("id"), i.count("size"), i.intValue("blockSize"), i.intValue("blockCount"),
                i.intValue("zeroBlocks"), i.string("sha256"));
    }
}
