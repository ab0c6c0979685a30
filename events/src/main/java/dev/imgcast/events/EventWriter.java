package dev.imgcast.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes an event as the services have always put it on the wire: the envelope first
 * ({@code type, version, eventId, occurredAt}), then the fields in the order of the record;
 * optional fields are left out when null, except {@code session.key} in {@code session.started}
 * and {@code reason} in {@code transfer.finished}, which have always been written as null.
 */
final class EventWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private EventWriter() {
    }

    static String write(Event event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", event.type().wireName());
            g.writeNumberField("version", Envelope.VERSION);
            g.writeStringField("eventId", event.envelope().eventId());
            g.writeStringField("occurredAt", event.envelope().occurredAt().toString());
            body(g, event);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to a string", e);
        }
        return out.toString();
    }

    private static void body(JsonGenerator g, Event event) throws IOException {
        if (event instanceof SessionOpened e) {
            session(g, e.session(), false);
        } else if (event instanceof ParticipantRegistered e) {
            session(g, e.session(), false);
            g.writeFieldName("participant");
            participant(g, e.participant());
        } else if (event instanceof SessionStarted e) {
            session(g, e.session(), true);
            participants(g, e.participants());
        } else if (event instanceof SessionRunFinished e) {
            session(g, e.session(), false);
            g.writeNumberField("verified", e.verified());
            participants(g, e.participants());
            g.writeNumberField("queuedForNextRun", e.queuedForNextRun());
        } else if (event instanceof TransferStarted e) {
            g.writeNumberField("runId", e.runId());
            g.writeStringField("senderAddress", e.senderAddress());
        } else if (event instanceof TransferProgress e) {
            progress(g, e);
        } else if (event instanceof TransferResult e) {
            g.writeNumberField("runId", e.runId());
            g.writeStringField("deviceId", e.deviceId());
            g.writeStringField("outcome", e.outcome().name());
            optional(g, "sha256", e.sha256());
            optional(g, "reason", e.reason());
        } else if (event instanceof TransferFinished e) {
            g.writeNumberField("runId", e.runId());
            g.writeStringField("outcome", e.outcome().name());
            g.writeStringField("reason", e.reason());
        } else if (event instanceof ImageEvent e) {
            image(g, e.image());
        } else {
            throw new IllegalArgumentException("no writer for " + event.type());
        }
    }

    private static void session(JsonGenerator g, SessionInfo s, boolean withKey) throws IOException {
        g.writeObjectFieldStart("session");
        g.writeNumberField("runId", s.runId());
        g.writeStringField("name", s.name());
        g.writeNumberField("runNo", s.runNo());
        g.writeStringField("state", s.state());
        g.writeStringField("group", s.group());
        g.writeNumberField("port", s.port());
        g.writeStringField("sourceKind", s.sourceKind().name());
        optional(g, "imageId", s.imageId());
        if (s.clients() != null) {
            g.writeNumberField("clients", s.clients());
        }
        if (s.time() != null) {
            g.writeNumberField("time", s.time());
        }
        optional(g, "senderAddress", s.senderAddress());
        optional(g, "startReason", s.startReason());
        optional(g, "endReason", s.endReason());
        if (withKey) {
            g.writeStringField("key", s.key());
        }
        g.writeEndObject();
    }

    private static void participants(JsonGenerator g, List<ParticipantInfo> participants) throws IOException {
        g.writeArrayFieldStart("participants");
        for (ParticipantInfo p : participants) {
            participant(g, p);
        }
        g.writeEndArray();
    }

    private static void participant(JsonGenerator g, ParticipantInfo p) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", p.id());
        g.writeStringField("deviceId", p.deviceId());
        optional(g, "hostname", p.hostname());
        optional(g, "mac", p.mac());
        optional(g, "address", p.address());
        g.writeStringField("role", p.role().name());
        g.writeStringField("state", p.state());
        optional(g, "sha256", p.sha256());
        optional(g, "reason", p.reason());
        g.writeEndObject();
    }

    private static void progress(JsonGenerator g, TransferProgress e) throws IOException {
        g.writeNumberField("runId", e.runId());
        optional(g, "deviceId", e.deviceId());
        g.writeNumberField("bytesDone", e.bytesDone());
        g.writeNumberField("bytesTotal", e.bytesTotal());
        if (e.round() != null) {
            g.writeNumberField("round", e.round());
        }
        optional(g, "payloadBytesSent", e.payloadBytesSent());
        optional(g, "dataPackets", e.dataPackets());
        optional(g, "repairPackets", e.repairPackets());
        optional(g, "rateBitsPerSecond", e.rateBitsPerSecond());
    }

    private static void image(JsonGenerator g, ImageInfo i) throws IOException {
        g.writeObjectFieldStart("image");
        g.writeStringField("id", i.id());
        g.writeNumberField("size", i.size());
        g.writeNumberField("blockSize", i.blockSize());
        g.writeNumberField("blockCount", i.blockCount());
        g.writeNumberField("zeroBlocks", i.zeroBlocks());
        g.writeStringField("sha256", i.sha256());
        g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void optional(JsonGenerator g, String field, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(field, value);
        }
    }
}
