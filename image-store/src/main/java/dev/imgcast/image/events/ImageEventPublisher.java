package dev.imgcast.image.events;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.EventPublisher;
import dev.imgcast.events.Exchange;
import dev.imgcast.events.ImageDeleted;
import dev.imgcast.events.ImageEvent;
import dev.imgcast.events.ImageInfo;
import dev.imgcast.events.ImageStored;
import dev.imgcast.image.ImageChanged;
import dev.imgcast.image.ImageView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes image.stored and image.deleted to the topic exchange imgcast.image after the change
 * (without an outbox: an event the broker refuses is logged as lost).
 */
@ApplicationScoped
public class ImageEventPublisher {
    private static final Logger LOG = Logger.getLogger(ImageEventPublisher.class);

    private final EventPublisher publisher;

    @Inject
    ImageEventPublisher(@Channel("image-events") Emitter<String> emitter) {
        this.publisher = new EventPublisher(emitter, Exchange.IMAGE);
    }

    void changed(@Observes ImageChanged changed) {
        ImageView i = changed.image();
        ImageInfo info = new ImageInfo(i.id(), i.size(), i.blockSize(), i.blockCount(), i.zeroBlocks(), i.sha256());
        ImageEvent event = switch (changed.change()) {
            case STORED -> new ImageStored(Envelope.now(), info);
            case DELETED -> new ImageDeleted(Envelope.now(), info);
        };
        publisher.publish(event).exceptionally(e -> {
            LOG.warnf("event %s for image %s not published: %s", event.type().wireName(), i.id(), e.toString());
            return null;
        });
    }
}
