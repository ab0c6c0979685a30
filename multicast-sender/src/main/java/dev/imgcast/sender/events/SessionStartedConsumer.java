package dev.imgcast.sender.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgcast.protocol.event.EventPayload;
import dev.imgcast.sender.SessionEvent;
import dev.imgcast.sender.StartedRun;
import dev.imgcast.sender.service.SessionHandler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads session events (queue {@code multicast-sender.sessions}, shared by the replicas) and hands
 * them to the {@link SessionHandler}. From the broker, an event is acknowledged when its run is
 * over (if this replica dies first, the broker redelivers it to another one); in-process (the
 * embedded server) there is nothing to redeliver, and the publisher must not wait for the run, so
 * it is acknowledged at once.
 */
@ApplicationScoped
public class SessionStartedConsumer {
    private static final Logger LOG = Logger.getLogger(SessionStartedConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    SessionHandler handler;

    @Incoming("session-events")
    @Blocking(ordered = false)
    public CompletionStage<Void> onSessionEvent(Message<?> message) {
        JsonNode event;
        try {
            event = json.readTree(EventPayload.bytes(message.getPayload()));
        } catch (Exception e) {
            LOG.warnf("session event that is not JSON rejected: %s", e.getMessage());
            return message.nack(e);
        }
        boolean fromBroker = message.getMetadata(IncomingRabbitMQMetadata.class).isPresent();
        boolean redelivered = message.getMetadata(IncomingRabbitMQMetadata.class)
                .map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
        if (!fromBroker) {
            message.ack();
        }
        SessionEvent read = new SessionEvent(event.path("type").asText(), event.path("version").asInt(),
                run(event), redelivered);
        SessionHandler.Handling handling = handler.handle(read);
        LOG.debugf("session event %s: %s", read.type(), handling);
        return fromBroker ? message.ack() : CompletableFuture.completedFuture(null);
    }

    private static StartedRun run(JsonNode event) {
        JsonNode session = event.path("session");
        if (!session.isObject()) {
            return null;
        }
        List<StartedRun.Participant> participants = new ArrayList<>();
        event.path("participants").forEach(p -> participants.add(new StartedRun.Participant(
                p.path("deviceId").asText(), p.path("hostname").asText(null), p.path("address").asText(null),
                p.path("role").asText())));
        return new StartedRun(session.path("runId").asLong(), session.path("name").asText(),
                session.path("sourceKind").asText(), session.path("imageId").asText(), session.path("group").asText(),
                session.path("port").asInt(), session.path("key").asText(), participants);
    }
}
