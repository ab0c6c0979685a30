package dev.imgcast.events;

import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The one publisher: sends an event on a service's outgoing channel with its RabbitMQ metadata
 * (routing key = type, AMQP {@code type} = type, {@code message_id} = eventId, content type
 * {@code application/json}, persistent) and completes when the broker confirmed it. A nack, a
 * channel that refuses the message, or no confirm within the timeout completes it exceptionally
 * with {@link EventPublishException}: nothing is dropped without the caller knowing.
 *
 * <p>Confirms need {@code mp.messaging.outgoing.<channel>.publish-confirms=true}; without it the
 * connector acknowledges when the message is written, not when the broker has it. On an in-process
 * channel (the embedded server) the message is confirmed when its consumers acknowledged it.
 *
 * <p>Plain class, not a bean: a service builds one around its {@code @Channel} emitter (see the
 * module README). Thread-safe.
 */
public final class EventPublisher {
    /** How long a publish waits for the broker's confirm unless told otherwise. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(15);
    static final String CONTENT_TYPE = "application/json";
    static final int PERSISTENT = 2;

    private final Emitter<String> emitter;
    private final Exchange exchange;
    private final Duration confirmTimeout;

    /**
     * @param emitter the service's emitter on the channel bound to {@code exchange}
     * @param exchange the exchange that channel publishes to; an event of another exchange is refused
     */
    public EventPublisher(Emitter<String> emitter, Exchange exchange) {
        this(emitter, exchange, DEFAULT_CONFIRM_TIMEOUT);
    }

    public EventPublisher(Emitter<String> emitter, Exchange exchange, Duration confirmTimeout) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.confirmTimeout = Objects.requireNonNull(confirmTimeout, "confirmTimeout");
    }

    /**
     * Publishes the event; the answer completes when the broker confirmed it, or exceptionally with
     * {@link EventPublishException}. Never blocks.
     */
    public CompletableFuture<Void> publish(Event event) {
        return publish(EventCodec.encode(event));
    }

    /** Publishes an event already encoded (e.g. a row of an outbox). */
    public CompletableFuture<Void> publish(EncodedEvent event) {
        if (event.type().exchange() != exchange) {
            throw new IllegalArgumentException(event.type() + " goes to " + event.type().exchange().exchangeName()
                    + ", this publisher sends to " + exchange.exchangeName());
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        Message<String> message = Message.of(event.json(), Metadata.of(metadata(event)))
                .withAck(() -> {
                    confirmed.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    confirmed.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException refused) {
            confirmed.completeExceptionally(refused);
        }
        CompletableFuture<Void> answer = new CompletableFuture<>();
        confirmed.orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
            if (failure == null) {
                answer.complete(null);
            } else {
                answer.completeExceptionally(failed(event, failure));
            }
        });
        return answer;
    }

    /**
     * Publishes the event and waits for the broker's confirm (at most the confirm timeout).
     * For a worker thread (a {@code @Blocking} consumer, an outbox relay), never an event loop.
     *
     * @throws EventPublishException if the broker refused it or did not confirm it in time
     */
    public void publishAndWait(Event event) throws EventPublishException {
        publishAndWait(EventCodec.encode(event));
    }

    /** {@link #publishAndWait(Event)} for an event already encoded. */
    public void publishAndWait(EncodedEvent event) throws EventPublishException {
        try {
            publish(event).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof EventPublishException p) {
                throw p;
            }
            throw failed(event, e.getCause());
        }
    }

    /** The RabbitMQ properties of an event. */
    static OutgoingRabbitMQMetadata metadata(EncodedEvent event) {
        return new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(event.type().routingKey())
                .withType(event.type().wireName())
                .withMessageId(event.eventId())
                .withContentType(CONTENT_TYPE)
                .withDeliveryMode(PERSISTENT)
                .build();
    }

    private EventPublishException failed(EncodedEvent event, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String problem = cause instanceof TimeoutException
                ? "no confirm from the broker within " + confirmTimeout.toMillis() + " ms"
                : "refused: " + cause;
        return new EventPublishException(event, problem, cause);
    }
}
