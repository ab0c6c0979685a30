package dev.imgcast.session;

import static dev.imgcast.session.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import dev.imgcast.session.Api.Device;
import dev.imgcast.session.outbox.OutboxEvent;
import dev.imgcast.testsupport.Waits;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The events, as a consumer of the real RabbitMQ sees them: a test queue bound to the
 * {@code imgcast.session} exchange; and transfer events published to {@code imgcast.transfer}
 * as the multicast-sender will.
 */
@QuarkusTest
class EventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHA = "cd".repeat(32);

    private Connection connection;
    private Channel channel;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    record Received(String routingKey, AMQP.BasicProperties properties, JsonNode body) {
    }

    @BeforeEach
    void listen() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        connection = factory.newConnection("session-service-events-test");
        channel = connection.createChannel();
        channel.exchangeDeclare("imgcast.session", "topic", true);
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, "imgcast.session", "session.#");
        DeliverCallback onMessage = (tag, delivery) -> received.add(new Received(
                delivery.getEnvelope().getRoutingKey(), delivery.getProperties(),
                JSON.readTree(new String(delivery.getBody(), StandardCharsets.UTF_8))));
        channel.basicConsume(queue, true, onMessage, tag -> { });
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void everySessionEventReachesRabbitMqWithTheDocumentedPayload() throws Exception {
        String name = Api.name("events");
        Device m = register(name, "m", "master", 1, null);
        Device late = register(name, "c1");  // clients=1: starts now
        Device queued = register(name, "late");
        long runId = m.registration().getLong("runId");

        JsonNode opened = await("session.opened", runId);
        assertEnvelope(opened, "session.opened");
        JsonNode s = opened.get("session");
        assertEquals(name, s.get("name").asText());
        assertEquals(1, s.get("runNo").asInt());
        assertEquals(m.registration().getString("group"), s.get("group").asText());
        assertEquals(9100, s.get("port").asInt());
        assertFalse(s.has("key"), "only session.started carries the key");

        JsonNode registered = await("session.participant-registered", runId, e -> e.at("/participant/deviceId").asText().equals("m"));
        assertEquals("MASTER", registered.at("/participant/role").asText());
        assertEquals("REGISTERED", registered.at("/participant/state").asText());
        JsonNode queuedEvent = await("session.participant-registered", runId, e -> e.at("/participant/deviceId").asText().equals("late"));
        assertEquals("QUEUED", queuedEvent.at("/participant/state").asText());

        JsonNode started = await("session.started", runId);
        assertEnvelope(started, "session.started");
        assertEquals("STARTED", started.at("/session/state").asText());
        assertEquals(m.registration().getString("key"), started.at("/session/key").asText());
        assertEquals("DEVICE", started.at("/session/sourceKind").asText());
        assertEquals(m.registration().getString("senderAddress"), started.at("/session/senderAddress").asText());
        assertEquals("clients=1 reached (1 registered)", started.at("/session/startReason").asText());
        assertEquals(2, started.get("participants").size(), "master and c1; the queued device is not in this run");

        // the transfer, reported by the sender over RabbitMQ
        publishTransfer("transfer.progress", Map.of("type", "transfer.progress", "version", 1, "runId", runId,
                "bytesDone", 4096, "bytesTotal", 8192, "round", 1));
        Waits.until(15, () -> Api.session(name), j -> j.get("senderBytesSent") != null,
                j -> "the sender's progress never reached the session: " + j.prettify());
        assertEquals(4096, Api.session(name).getInt("senderBytesSent"), "the sender's own progress");
        assertEquals(1, Api.session(name).getInt("senderRound"));
        publishTransfer("transfer.progress", Map.of("type", "transfer.progress", "version", 1, "runId", runId,
                "deviceId", "c1", "bytesDone", 512, "bytesTotal", 2048));
        awaitParticipant(name, "c1", p -> Integer.valueOf(512).equals(p.get("bytesDone")));
        publishTransfer("transfer.result", Map.of("type", "transfer.result", "version", 1, "runId", runId,
                "deviceId", "c1", "outcome", "VERIFIED", "sha256", SHA));
        publishTransfer("transfer.finished", Map.of("type", "transfer.finished", "version", 1, "runId", runId,
                "outcome", "FINISHED"));

        JsonNode finished = await("session.run-finished", runId);
        assertEnvelope(finished, "session.run-finished");
        assertEquals("FINISHED", finished.at("/session/state").asText());
        assertEquals(1, finished.get("verified").asInt());
        assertEquals(1, finished.get("queuedForNextRun").asInt());
        assertEquals("1 of 1 verified", finished.at("/session/endReason").asText());

        // the queued device opened run 2
        JsonNode next = awaitAny("session.opened", e -> e.at("/session/name").asText().equals(name)
                && e.at("/session/runNo").asInt() == 2);
        assertEquals("QUEUE", QuarkusTransaction.requiringNew().call(
                () -> dev.imgcast.session.model.SessionRun.<dev.imgcast.session.model.SessionRun>findById(
                        next.at("/session/runId").asLong()).openedBy));
        assertEquals("REGISTERED", Api.state(queued).getString("state"));
        assertNotNull(late);
    }

    @Test
    void aSessionStartedFromTheServerSaysWhichImageItUses() throws Exception {
        String name = Api.name("img-events");
        long runId = Api.admin().body(Map.of("name", name, "imageId", "lab-image-9", "clients", 2, "confirm", true))
                .post("/api/sessions").then().statusCode(201).extract().jsonPath().getLong("runId");
        JsonNode opened = await("session.opened", runId);
        assertEquals("IMAGE", opened.at("/session/sourceKind").asText());
        assertEquals("lab-image-9", opened.at("/session/imageId").asText());
    }

    @Test
    void malformedTransferEventsAreRejectedAndTheConsumerGoesOn() throws Exception {
        String name = Api.name("bad-events");
        register(name, "m", "master", 1, null);
        Device c = register(name, "c1");
        long runId = c.registration().getLong("runId");
        publishRaw("transfer.progress", "this is not json".getBytes(StandardCharsets.UTF_8));
        publishRaw("transfer.progress", "{\"type\":\"transfer.progress\",\"version\":1}".getBytes(StandardCharsets.UTF_8));
        publishTransfer("transfer.progress", Map.of("type", "transfer.progress", "version", 99, "runId", runId,
                "deviceId", "c1", "bytesDone", 1));
        publishTransfer("transfer.result", Map.of("type", "transfer.result", "version", 1, "runId", runId,
                "deviceId", "c1", "outcome", "EXPLODED"));
        publishTransfer("transfer.progress", Map.of("type", "transfer.progress", "version", 1, "runId", runId,
                "deviceId", "nobody", "bytesDone", 1));
        publishTransfer("transfer.progress", Map.of("type", "transfer.progress", "version", 1, "runId", runId,
                "deviceId", "c1", "bytesDone", 7, "bytesTotal", 10));
        Map<String, Object> p = awaitParticipant(name, "c1", q -> Integer.valueOf(7).equals(q.get("bytesDone")));
        assertEquals("TRANSFERRING", p.get("state"), "the bad outcome before was not applied");
    }

    @Test
    void eventsWaitInTheOutboxUntilPublished() throws Exception {
        // every event written so far was confirmed by the broker, or is about to be
        Waits.until(15, () -> QuarkusTransaction.requiringNew().call(OutboxEvent::pendingCount), n -> n == 0,
                n -> n + " events left unpublished");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertEnvelope(JsonNode event, String type) {
        assertEquals(type, event.get("type").asText());
        assertEquals(1, event.get("version").asInt());
        assertEquals(36, event.get("eventId").asText().length());
        assertNotNull(event.get("occurredAt").asText());
    }

    private JsonNode await(String type, long runId) throws Exception {
        return await(type, runId, e -> true);
    }

    private JsonNode await(String type, long runId, Predicate<JsonNode> also) throws Exception {
        return awaitAny(type, e -> e.at("/session/runId").asLong() == runId && also.test(e));
    }

    private final List<Received> seen = new ArrayList<>();

    /** The first event of {@code type} that matches, among those seen before and those arriving. */
    private JsonNode awaitAny(String type, Predicate<JsonNode> match) throws Exception {
        return checked(Waits.until(15, () -> {
            received.drainTo(seen);
            return seen.stream().filter(r -> r.routingKey().equals(type) && match.test(r.body())).findFirst()
                    .orElse(null);
        }, r -> r != null, none -> "no " + type + " event arrived; got " + seen.stream().map(Received::routingKey)
                .toList()));
    }

    private static JsonNode checked(Received r) {
        assertEquals("application/json", r.properties().getContentType());
        assertEquals(r.body().get("eventId").asText(), r.properties().getMessageId());
        assertEquals(Integer.valueOf(2), r.properties().getDeliveryMode(), "persistent");
        return r.body();
    }

    /** A transfer event as the multicast-sender sends it: with its envelope (eventId, occurredAt). */
    private void publishTransfer(String routingKey, Map<String, Object> body) throws Exception {
        publishRaw(routingKey, JSON.writeValueAsBytes(withEnvelope(body)));
    }

    static Map<String, Object> withEnvelope(Map<String, Object> body) {
        Map<String, Object> event = new LinkedHashMap<>(body);
        event.putIfAbsent("eventId", UUID.randomUUID().toString());
        event.putIfAbsent("occurredAt", Instant.now().toString());
        return event;
    }

    private void publishRaw(String routingKey, byte[] body) throws Exception {
        channel.exchangeDeclare("imgcast.transfer", "topic", true);
        channel.basicPublish("imgcast.transfer", routingKey,
                new AMQP.BasicProperties.Builder().contentType("application/json").build(), body);
    }

    private static Map<String, Object> awaitParticipant(String name, String deviceId,
                                                        Predicate<Map<String, Object>> match)
            throws Exception {
        return Waits.until(15, () -> SessionRulesTest.participant(Api.session(name), deviceId),
                p -> p != null && match.test(p), p -> p == null ? "participant " + deviceId + " not found"
                        : "participant " + deviceId + " never matched: " + p);
    }

}
