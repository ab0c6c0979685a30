package dev.imgcast.sender.events;

import dev.imgcast.events.EventPublishException;
import dev.imgcast.events.EventPublisher;
import dev.imgcast.events.Exchange;
import dev.imgcast.events.TransferEvent;
import dev.imgcast.sender.service.TransferReports;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * transfer.* events to the exchange imgcast.transfer (catalogue: events/README.md), each waited for
 * until the broker confirmed it; one that is not confirmed is logged as lost.
 */
@ApplicationScoped
public class TransferEventPublisher implements TransferReports {
    private static final Logger LOG = Logger.getLogger(TransferEventPublisher.class);

    private final EventPublisher publisher;

    @Inject
    TransferEventPublisher(@Channel("transfer-events") Emitter<String> emitter) {
        this.publisher = new EventPublisher(emitter, Exchange.TRANSFER);
    }

    @Override
    public void report(TransferEvent event) {
        try {
            publisher.publishAndWait(event);
        } catch (EventPublishException e) {
            LOG.errorf("event %s of run %d not confirmed by the broker: %s", event.type().wireName(), event.runId(),
                    e.getMessage());
        }
    }
}
