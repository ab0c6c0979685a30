package dev.imgcast.session.messaging;

import dev.imgcast.events.EventCodec;
import dev.imgcast.events.MalformedEventException;
import dev.imgcast.events.Redelivery;
import dev.imgcast.events.TransferEvent;
import dev.imgcast.session.domain.SessionException;
import dev.imgcast.session.service.TransferEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code transfer.*} events (progress and results of a running transfer), read by the
 * event contract's codec, and hands them to {@link TransferEventService}. A malformed event, or
 * one the rules refuse, is rejected (logged, counted, not retried); one that fails for a passing
 * reason (the database is away) goes back to the queue after a pause; one that fails otherwise is
 * logged with its stack and rejected. None of them stops the consumer.
 */
@ApplicationScoped
public class TransferEventConsumer {
    private static final Logger LOG = Logger.getLogger(TransferEventConsumer.class);

    @Inject
    TransferEventService transfers;

    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();

    @Incoming("transfer-events")
    @Blocking
    public CompletionStage<Void> consume(Message<?> message) {
        TransferEvent event;
        try {
            event = EventCodec.decode(message.getPayload(), TransferEvent.class);
        } catch (MalformedEventException e) {
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
            LOG.warnf("transfer event %s %s rejected: %s", event.type(), event.eventId(), e.getMessage());
            return message.nack(e);
        } catch (RuntimeException e) {
            if (Redelivery.databaseTrouble(e)) {
                LOG.warnf("transfer event %s %s not applied, delivered again in %d s: %s", event.type(), event.eventId(),
                        Redelivery.PAUSE.toSeconds(), e.getMessage());
                return Redelivery.later(message, e);
            }
            rejected.incrementAndGet();
            LOG.errorf(e, "transfer event %s %s failed and is rejected", event.type(), event.eventId());
            return message.nack(e);
        }
    }

    public long rejected() {
        return rejected.get();
    }

    public long applied() {
        return applied.get();
    }
}
