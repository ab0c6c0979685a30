package dev.imgcast.image.events;

import dev.imgcast.image.ImageChanged;
import dev.imgcast.image.ImageView;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/** Publishes image.stored and image.deleted to the topic exchange imgcast.image (version 1). */
@ApplicationScoped
public class ImageEventPublisher {
    private static final Logger LOG = Logger.getLogger(ImageEventPublisher.class);

    @Inject
    @Channel("image-events")
    Emitter<String> emitter;

    void changed(@Observes ImageChanged changed) {
        publish(switch (changed.change()) {
            case STORED -> "image.stored";
            case DELETED -> "image.deleted";
        }, changed.image());
    }

    private void publish(String type, ImageView image) {
        String eventId = UUID.randomUUID().toString();
        JsonObject body = new JsonObject().put("type", type).put("version", 1).put("eventId", eventId)
                .put("occurredAt", Instant.now().toString())
                .put("image", new JsonObject().put("id", image.id()).put("size", image.size())
                        .put("blockSize", image.blockSize()).put("blockCount", image.blockCount())
                        .put("zeroBlocks", image.zeroBlocks()).put("sha256", image.sha256()));
        OutgoingRabbitMQMetadata metadata = new OutgoingRabbitMQMetadata.Builder().withRoutingKey(type)
                .withContentType("application/json").withMessageId(eventId).withType(type).withDeliveryMode(2).build();
        emitter.send(Message.of(body.encode(), Metadata.of(metadata)).withNack(e -> {
            LOG.warnf("event %s for image %s not published: %s", type, image.id(), e.toString());
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));
    }
}
