package dev.imgcast.sender.events;

import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.sender.service.SendProgress;
import dev.imgcast.sender.service.TransferReports;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/** transfer.* events for session-service (catalogue in session-service/README.md), confirmed by the broker. */
@ApplicationScoped
public class TransferEventPublisher implements TransferReports {
    private static final Logger LOG = Logger.getLogger(TransferEventPublisher.class);

    @Inject
    @Channel("transfer-events")
    Emitter<String> emitter;

    @Override
    public void started(long runId, String senderAddress) {
        publish(base("transfer.started", runId).put("senderAddress", senderAddress));
    }

    @Override
    public void progress(long runId, SendProgress p) {
        publish(base("transfer.progress", runId).put("bytesDone", p.bytesDone()).put("bytesTotal", p.bytesTotal())
                .put("round", p.round()).put("payloadBytesSent", p.payloadBytesSent())
                .put("dataPackets", p.dataPackets()).put("repairPackets", p.repairPackets())
                .put("rateBitsPerSecond", p.rateBitsPerSecond()));
    }

    @Override
    public void result(long runId, String deviceId, ReceiverResult r) {
        JsonObject e = base("transfer.result", runId).put("deviceId", deviceId).put("outcome", switch (r.outcome()) {
            case VERIFIED -> "VERIFIED";
            case DROPPED -> "DROPPED";
            default -> "FAILED";
        });
        if (r.outcome() == ReceiverOutcome.VERIFIED) {
            e.put("sha256", r.sha256());
        } else {
            e.put("reason", r.message() == null || r.message().isBlank() ? r.outcome().name() : r.message());
        }
        publish(e);
    }

    @Override
    public void finished(long runId, boolean ok, String reason) {
        publish(base("transfer.finished", runId).put("outcome", ok ? "FINISHED" : "FAILED").put("reason", reason));
    }

    private static JsonObject base(String type, long runId) {
        return new JsonObject().put("type", type).put("version", 1).put("eventId", UUID.randomUUID().toString())
                .put("occurredAt", Instant.now().toString()).put("runId", runId);
    }

    private void publish(JsonObject event) {
        String type = event.getString("type");
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        OutgoingRabbitMQMetadata metadata = new OutgoingRabbitMQMetadata.Builder().withRoutingKey(type)
                .withContentType("application/json").withMessageId(event.getString("eventId")).withType(type)
                .withDeliveryMode(2).build();
        emitter.send(Message.of(event.encode(), Metadata.of(metadata)).withAck(() -> {
            confirmed.complete(null);
            return CompletableFuture.completedFuture(null);
        }).withNack(e -> {
            confirmed.completeExceptionally(e);
            return CompletableFuture.completedFuture(null);
        }));
        try {
            confirmed.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.errorf("event %s of run %d not confirmed by the broker: %s", type, event.getLong("runId"), e);
        }
    }
}
