package dev.imgcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * The publisher against a stand-in for the connector's channel: it keeps what was sent, and the
 * test plays the broker (confirm, refuse, stay silent, or a channel that refuses the message).
 */
class EventPublisherTest {
    private final Channel channel = new Channel();
    private final TransferStarted event = new TransferStarted(Envelope.now(), 42, "10.0.0.1");

    @Test
    void sendsTheJsonWithItsRabbitMqPropertiesAndCompletesOnTheConfirm() throws Exception {
        EventPublisher publisher = new EventPublisher(channel, Exchange.TRANSFER);
        CompletableFuture<Void> done = publisher.publish(event);
        assertEquals(1, channel.sent.size());
        Message<? extends String> m = channel.sent.get(0);
        assertEquals(EventCodec.toJson(event), m.getPayload());
        OutgoingRabbitMQMetadata meta = m.getMetadata(OutgoingRabbitMQMetadata.class).orElseThrow();
        assertEquals("transfer.started", meta.getRoutingKey());
        assertEquals("transfer.started", meta.getType());
        assertEquals(event.eventId(), meta.getMessageId());
        assertEquals("application/json", meta.getContentType());
        assertEquals(2, meta.getDeliveryMode(), "persistent");
        assertFalse(done.isDone(), "not before the broker confirmed");
        m.ack().toCompletableFuture().get(1, TimeUnit.SECONDS);
        done.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aNackFailsThePublishWithTheBrokersReason() {
        EventPublisher publisher = new EventPublisher(channel, Exchange.TRANSFER);
        CompletableFuture<Void> done = publisher.publish(event);
        IllegalStateException refused = new IllegalStateException("channel closed by broker");
        channel.sent.get(0).nack(refused);
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(1, TimeUnit.SECONDS));
        EventPublishException p = (EventPublishException) e.getCause();
        assertSame(refused, p.getCause());
        assertEquals(event.eventId(), p.event().eventId());
        assertTrue(p.getMessage().startsWith("event transfer.started " + event.eventId() + " not published: refused"),
                p.getMessage());
    }

    @Test
    void noConfirmInTimeFailsThePublish() {
        EventPublisher publisher = new EventPublisher(channel, Exchange.TRANSFER, Duration.ofMillis(100));
        EventPublishException p = assertThrows(EventPublishException.class, () -> publisher.publishAndWait(event));
        assertTrue(p.getCause() instanceof TimeoutException, String.valueOf(p.getCause()));
        assertTrue(p.getMessage().endsWith("no confirm from the broker within 100 ms"), p.getMessage());
    }

    @Test
    void aChannelThatRefusesTheMessageFailsThePublish() {
        channel.refuse = new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
        EventPublisher publisher = new EventPublisher(channel, Exchange.TRANSFER);
        EventPublishException p = assertThrows(EventPublishException.class, () -> publisher.publishAndWait(event));
        assertSame(channel.refuse, p.getCause());
    }

    @Test
    void publishAndWaitReturnsOnceConfirmed() {
        channel.confirmAtOnce = true;
        new EventPublisher(channel, Exchange.TRANSFER).publishAndWait(event);
        assertEquals(1, channel.sent.size());
    }

    @Test
    void anEncodedEventFromAnOutboxGoesOutAsStored() {
        channel.confirmAtOnce = true;
        EncodedEvent stored = EncodedEvent.of("session.opened", "id-1", "{\"stored\":true}");
        new EventPublisher(channel, Exchange.SESSION).publishAndWait(stored);
        assertEquals("{\"stored\":true}", channel.sent.get(0).getPayload());
        assertEquals("id-1", channel.sent.get(0).getMetadata(OutgoingRabbitMQMetadata.class).orElseThrow().getMessageId());
    }

    @Test
    void anEventForAnotherExchangeIsRefusedBeforeSending() {
        EventPublisher images = new EventPublisher(channel, Exchange.IMAGE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> images.publish(event));
        assertEquals("transfer.started goes to imgcast.transfer, this publisher sends to imgcast.image", e.getMessage());
        assertTrue(channel.sent.isEmpty());
    }

    /** A channel as an Emitter: keeps the messages; the test acks or nacks them. */
    private static final class Channel implements Emitter<String> {
        final List<Message<? extends String>> sent = new ArrayList<>();
        RuntimeException refuse;
        boolean confirmAtOnce;

        @Override
        public CompletionStage<Void> send(String payload) {
            throw new UnsupportedOperationException("the publisher sends messages with metadata");
        }

        @Override
        public <M extends Message<? extends String>> void send(M msg) {
            if (refuse != null) {
                throw refuse;
            }
            sent.add(msg);
            if (confirmAtOnce) {
                msg.ack();
            }
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
