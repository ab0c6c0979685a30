package dev.imgcast.sender.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.EventCodec;
import dev.imgcast.events.ParticipantInfo;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionStarted;
import dev.imgcast.events.TransferEvent;
import dev.imgcast.sender.service.ImageStoreCache;
import dev.imgcast.sender.service.Network;
import dev.imgcast.sender.service.SenderMetrics;
import dev.imgcast.sender.service.SenderSettings;
import dev.imgcast.sender.service.SessionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the consumer acknowledges and rejects, in-process (as in the embedded server): a message
 * whose type the contract does not know is acknowledged and left alone, a malformed one rejected,
 * a well-formed one handed to the session handler and acknowledged.
 */
class SessionStartedConsumerTest {
    @TempDir
    Path cache;
    private Vertx vertx;
    private final List<TransferEvent> reported = new ArrayList<>();
    private final List<String> settled = new ArrayList<>();
    private SessionStartedConsumer consumer;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        consumer = new SessionStartedConsumer();
        consumer.handler = new SessionHandler(new ImageStoreCache("http://127.0.0.1:9/", "sender", "none", cache),
                reported::add, new SenderMetrics(new SimpleMeterRegistry()), vertx, Network.onInterface("lo"),
                new SenderSettings(1400, 1_000_000L, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    @AfterEach
    void tearDown() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anEventOfATypeTheContractDoesNotKnowIsAcknowledged() throws Exception {
        consume("{\"type\":\"session.renamed\",\"version\":1,\"eventId\":\"e1\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}");
        assertEquals(List.of("ack"), settled);
        assertEquals(List.of(), reported);
    }

    @Test
    void somethingThatIsNotAnEventIsRejected() throws Exception {
        consume("not json");
        consume("{\"type\":\"session.started\",\"version\":2,\"eventId\":\"e1\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}");
        consume("{\"type\":\"session.started\",\"version\":1,\"eventId\":\"e1\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}");
        assertEquals(List.of("nack", "nack", "nack"), settled);
        assertEquals(List.of(), reported);
    }

    @Test
    void aRunWhoseMasterIsADeviceIsAcknowledgedAndLeftAlone() throws Exception {
        SessionInfo session = new SessionInfo(42, "lab", 1, "STARTED", "239.255.1.1", 9100, SessionInfo.SourceKind.DEVICE,
                null, 1, null, null, "g", null, "a2V5");
        consume(EventCodec.toJson(new SessionStarted(Envelope.now(), session, List.of(new ParticipantInfo(1, "m1", "pc-0",
                null, "10.0.0.1", ParticipantInfo.Role.MASTER, "REGISTERED", null, null)))));
        assertEquals(List.of("ack"), settled);
        assertEquals(List.of(), reported);
    }

    private void consume(String json) throws Exception {
        Message<String> message = Message.of(json, () -> {
            settled.add("ack");
            return CompletableFuture.completedFuture(null);
        }, e -> {
            settled.add("nack");
            return CompletableFuture.completedFuture(null);
        });
        consumer.onSessionEvent(message).toCompletableFuture().get();
    }
}
