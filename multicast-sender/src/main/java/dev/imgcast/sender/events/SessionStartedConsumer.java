package dev.imgcast.sender.events;

import dev.imgcast.events.Event;
import dev.imgcast.events.EventCodec;
import dev.imgcast.events.MalformedEventException;
import dev.imgcast.events.UnknownEventTypeException;
import dev.imgcast.sender.service.SessionHandler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
 * it is acknowledged at once. An event of a type this contract does not know is acknowledged and
 * left alone; a malformed one is rejected.
 */
@ApplicationScoped
public class SessionStartedConsumer {
    private static final Logger LOG = Logger.getLogger(SessionStartedConsumer.class);

    @Inject
    SessionHandler handler;

    @Incoming("session-events")
    @Blocking(ordered = false)
    public CompletionStage<Void> onSessionEvent(Message<?> message) {
        Event event;
        try {
            event = EventCodec.decode(message.getPayload());
        } catch (MalformedEventException e) {
            // a type this contract does not know is not for this replica; anything else is broken
            boolean unknownType = e instanceof UnknownEventTypeException;
            LOG.logf(unknownType ? Logger.Level.INFO : Logger.Level.WARN, "session event %s: %s",
                    unknownType ? "not for the sender, acknowledged" : "rejected", e.getMessage());
            return unknownType ? message.ack() : message.nack(e);
        }
        boolean fromBroker = message.getMetadata(IncomingRabbitMQMetadata.class).isPresent();
        boolean redelivered = message.getMetadata(IncomingRabbitMQMetadata.class)
                .map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
        if (!fromBroker) {
            message.ack();
        }
        SessionHandler.Handling handling = handler.handle(event, redelivered);
        LOG.debugf("%s: %s", event.type().wireName(), handling);
        return fromBroker ? message.ack() : CompletableFuture.completedFuture(null);
    }
}
