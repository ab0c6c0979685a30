package dev.imgcast.image.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgcast.image.service.ImageUseService;
import dev.imgcast.protocol.event.EventPayload;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Follows session-service's events (imgcast.session) to know which images live sessions use:
 * a run with an image source holds it from session.opened to session.run-finished.
 */
@ApplicationScoped
public class SessionEventConsumer {
    private static final Logger LOG = Logger.getLogger(SessionEventConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    ImageUseService uses;

    @Incoming("session-events")
    @Blocking
    public CompletionStage<Void> consume(Message<?> message) {
        JsonNode event;
        try {
            event = json.readTree(EventPayload.bytes(message.getPayload()));
        } catch (Exception e) {
            LOG.warnf("session event that is not JSON rejected: %s", e.getMessage());
            return message.nack(e);
        }
        String type = event.path("type").asText();
        JsonNode session = event.path("session");
        long runId = session.path("runId").asLong(-1);
        String imageId = session.path("imageId").asText(null);
        if (runId < 0 || event.path("version").asInt() != 1) {
            LOG.warnf("session event %s without runId or of an unknown version rejected", type);
            return message.nack(new IllegalArgumentException("bad session event"));
        }
        switch (type) {
            case "session.opened", "session.started", "session.participant-registered" -> {
                if (imageId != null) {
                    uses.inUse(runId, imageId, session.path("name").asText());
                }
            }
            case "session.run-finished" -> uses.released(runId);
            default -> {
            }
        }
        return message.ack();
    }
}
