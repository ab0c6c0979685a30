package dev.imgcast.server;

import dev.imgcast.events.EventCodec;
import dev.imgcast.events.ImageEvent;
import dev.imgcast.events.ImageInfo;
import dev.imgcast.events.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Embedded, nobody else listens to image events: they go to the log, read through the event
 * contract (a malformed one is logged as such, never thrown at the channel).
 */
@ApplicationScoped
public class ImageEventLog {
    private static final Logger LOG = Logger.getLogger(ImageEventLog.class);

    @Incoming("image-events")
    public void log(Object payload) {
        try {
            LOG.info(line(EventCodec.decode(payload, ImageEvent.class)));
        } catch (MalformedEventException e) {
            LOG.warnf("image event rejected: %s", e.getMessage());
        }
    }

    /** One line per event: what happened to which image, and the event's id and time. */
    static String line(ImageEvent event) {
        ImageInfo i = event.image();
        return String.format("%s %s: %d bytes, %d blocks of %d (%d zero), sha256 %s (event %s at %s)", event.type(), i.id(),
                i.size(), i.blockCount(), i.blockSize(), i.zeroBlocks(), i.sha256(), event.eventId(),
                event.envelope().occurredAt());
    }
}
