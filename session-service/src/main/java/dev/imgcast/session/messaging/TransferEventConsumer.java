package dev.imgcast.session.messaging;

import dev.imgcast.protocol.event.EventPayload;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgcast.session.domain.SenderCounters;
import dev.imgcast.session.domain.SessionException;
import dev.imgcast.session.domain.TransferEvent;
import dev.imgcast.session.service.TransferEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code transfer.*} events (progress and results of a running transfer) and updates
 * the participants. A malformed event is rejected (logged, counted, not retried); it never
 * stops the consumer.
 */
@ApplicationScoped
public class TransferEventConsumer {
    private static final Logger LOG = Logger.getLogger(TransferEventConsumer.class);
    static final Set<String> TYPES = Set.of("transfer.started", "transfer.progress", "transfer.result",
            "transfer.finished");

    @Inject
    ObjectMapper json;
    @Inject
    TransferEventService transfers;

    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();

    @Incoming("transfer-events")
    @Blocking
    public CompletionStage<Void> consume(Message<?> message) {
        TransferEvent event;
        try {
            event = parse(EventPayload.bytes(message.getPayload()));
        } catch (IllegalArgumentException e) {
            rejected.incrementAndGet();
            LOG.warnf("transfer event rejected: %s", e.getMessage());
            return message.nack(e);
        }
        try {
            transfers.transferEvent(event);
            applied.incrementAndGet();
            return message.ack();
        } catch (SessionException | IllegalArgumentException e) {
            rejected.incrementAndGet();
            LOG.warnf("transfer event %s for run %d rejected: %s", event.type(), event.runId(), e.getMessage());
            return message.nack(e);
        }
    }

    TransferEvent parse(byte[] payload) {
        JsonNode node;
        try {
            node = json.readTree(payload);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = text(node, "type");
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown type " + type);
        }
        if (node.path("version").asInt(-1) != 1) {
            throw new IllegalArgumentException("unsupported version " + node.path("version"));
        }
        if (!node.path("runId").canConvertToLong()) {
            throw new IllegalArgumentException("runId missing");
        }
        String deviceId = text(node, "deviceId");
        if (type.equals("transfer.result") && deviceId == null) {
            throw new IllegalArgumentException(type + " needs deviceId");
        }
        SenderCounters counters = new SenderCounters(number(node, "payloadBytesSent"),
                number(node, "dataPackets"), number(node, "repairPackets"), number(node, "rateBitsPerSecond"));
        return new TransferEvent(type, node.get("runId").asLong(), deviceId, number(node, "bytesDone"),
                number(node, "bytesTotal"), text(node, "outcome"), text(node, "sha256"), text(node, "reason"),
                text(node, "senderAddress"), node.hasNonNull("round") ? Integer.valueOf(node.get("round").asInt())
                        : null, counters);
    }

    public long rejected() {
        return rejected.get();
    }

    public long applied() {
        return applied.get();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong()) {
            throw new IllegalArgumentException(field + " is not a number");
        }
        return v.asLong();
    }
}
