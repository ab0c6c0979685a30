package dev.imgcast.server;

import dev.imgcast.protocol.event.EventPayload;
import java.nio.charset.StandardCharsets;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Embedded, nobody else listens to image events: they go to the log. */
@ApplicationScoped
public class ImageEventLog {
    private static final Logger LOG = Logger.getLogger(ImageEventLog.class);

    @Incoming("image-events")
    public void log(Object event) {
        LOG.info(new String(EventPayload.bytes(event), StandardCharsets.UTF_8));
    }
}
