package dev.imgcast.events;

import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * What a consumer does with an event it could read but could not apply for a passing reason (its
 * database is away, a connection broke): the event goes back to the queue to be delivered again,
 * after a pause so that an outage does not turn into a hot loop. Nothing is lost, and the consumer
 * keeps running: an exception thrown out of an {@code @Incoming} method would stop the channel
 * for good and leave the service not ready after the outage ended.
 *
 * <p>Events that can never be applied (malformed, refused by the rules) are not for this: they
 * are rejected, since they would come back the same.
 */
public final class Redelivery {
    /** The pause before an event goes back to its queue. */
    public static final Duration PAUSE = Duration.ofSeconds(1);

    private Redelivery() {
    }

    /**
     * Pauses the calling (worker) thread, then returns the message to its queue. Must be called
     * from a blocking consumer: it sleeps.
     */
    public static CompletionStage<Void> later(Message<?> message, Throwable cause) {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(true)));
    }
}
