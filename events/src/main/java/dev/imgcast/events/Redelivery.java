package dev.imgcast.events;

import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import java.sql.SQLException;
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
 * <p>Only trouble with the database counts as passing ({@link #databaseTrouble}): an event that
 * fails for any other reason (a bug, a refusal by the rules, a malformed event) would fail the same
 * way every time, so it is rejected and logged instead of going round for ever.
 */
public final class Redelivery {
    /** The pause before an event goes back to its queue. */
    public static final Duration PAUSE = Duration.ofSeconds(1);

    private Redelivery() {
    }

    /** Whether the failure came from the database (a JDBC {@link SQLException} anywhere in its causes). */
    public static boolean databaseTrouble(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
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
