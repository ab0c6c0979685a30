package dev.imgcast.image.events;

import dev.imgcast.events.EventCodec;
import dev.imgcast.events.MalformedEventException;
import dev.imgcast.events.ParticipantRegistered;
import dev.imgcast.events.Redelivery;
import dev.imgcast.events.SessionEvent;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionOpened;
import dev.imgcast.events.SessionRunFinished;
import dev.imgcast.events.SessionStarted;
import dev.imgcast.events.UnknownEventTypeException;
import dev.imgcast.image.service.ImageUseService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Follows session-service's events (imgcast.session) to know which images live sessions use:
 * a run with an image source holds it from session.opened to session.run-finished. An event of a
 * type this contract does not know is acknowledged and left alone; a malformed one is rejected.
 */
@ApplicationScoped
public class SessionEventConsumer {
    private static final Logger LOG = Logger.getLogger(SessionEventConsumer.class);

    @Inject
    ImageUseService uses;

    @Incoming("session-events")
    @Blocking
    public CompletionStage<Void> consume(Message<?> message) {
        SessionEvent event;
        try {
            event = EventCodec.decode(message.getPayload(), SessionEvent.class);
        } catch (UnknownEventTypeException e) {
            LOG.infof("session event ignored: %s", e.getMessage());
            return message.ack();
        } catch (MalformedEventException e) {
            LOG.warnf("session event rejected: %s", e.getMessage());
            return message.nack(e);
        }
        SessionInfo session = event.session();
        try {
            if (event instanceof SessionOpened || event instanceof SessionStarted || event instanceof ParticipantRegistered) {
                if (session.imageId() != null) {
                    uses.inUse(session.runId(), session.imageId(), session.name());
                }
            } else if (event instanceof SessionRunFinished) {
                uses.released(session.runId());
            }
        } catch (RuntimeException e) {
            if (Redelivery.databaseTrouble(e)) {
                LOG.warnf("session event %s %s not applied, delivered again in %d s: %s", event.type(), event.eventId(),
                        Redelivery.PAUSE.toSeconds(), e.getMessage());
                return Redelivery.later(message, e);
            }
            LOG.errorf(e, "session event %s %s failed and is rejected", event.type(), event.eventId());
            return message.nack(e);
        }
        return message.ack();
    }
}
