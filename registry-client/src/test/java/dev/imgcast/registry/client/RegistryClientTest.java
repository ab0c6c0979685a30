package dev.imgcast.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imgcast.protocol.transfer.TransferStatus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against an HTTP server on the loopback that answers as session-service's README
 * says and records what it was sent: paths, headers, bodies, and the errors the device sees.
 */
class RegistryClientTest {
    /** One request as the server saw it. */
    record Seen(String method, String path, String enrollment, String participant, String body) {
    }

    /** One canned answer, given after {@code delayMillis} (a long poll that waited). */
    record Answer(int status, String body, long delayMillis) {
        Answer(int status, String body) {
            this(status, body, 0);
        }
    }

    private HttpServer server;
    private final List<Seen> seen = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private RegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new RegistryClient("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst(RegistryApi.ENROLLMENT_HEADER),
                exchange.getRequestHeaders().getFirst(RegistryApi.PARTICIPANT_HEADER), body));
        Answer a = answers.isEmpty() ? new Answer(500, "{\"message\":\"nothing queued\"}") : answers.poll();
        if (a.delayMillis() > 0) {
            try {
                Thread.sleep(a.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String view(String state, String runState, String version) {
        return new JsonObject().put("participantId", 17).put("participantToken", "tok-17").put("name", "mcast01")
                .put("role", "CLIENT").put("state", state).put("runState", runState).put("runNo", 2)
                .put("version", version).put("group", "239.1.2.3").put("port", 9100).put("key", "AAAA")
                .put("registered", 3).put("clients", 3).put("time", 0.5).put("message", "waiting")
                .put("peers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("deviceId", "d2")
                        .put("role", "MASTER").put("state", "REGISTERED"))).encode();
    }

    private DeviceView registered() {
        answers.add(new Answer(201, view("REGISTERED", "OPEN", "v1")));
        return client.register("mcast01", new Registration("aa:bb", "pc-1", "10.0.0.2", "aa:bb", "client", null,
                null), "enroll-me");
    }

    @Test
    void registersWithTheEnrollmentTokenThenUsesTheParticipantToken() {
        DeviceView v = registered();
        assertEquals(17, client.participantId());
        assertEquals(2, v.runNo());
        assertEquals(new BigDecimal("0.5"), v.time());
        assertEquals(3, v.clients());
        assertEquals("d2", v.peers().get(0).shownName());
        Seen reg = seen.get(0);
        assertEquals("POST", reg.method());
        assertEquals("/api/sessions/mcast01/registrations", reg.path());
        assertEquals("enroll-me", reg.enrollment());
        assertEquals(new JsonObject().put("deviceId", "aa:bb").put("hostname", "pc-1").put("address", "10.0.0.2")
                .put("mac", "aa:bb").put("role", "client"), new JsonObject(reg.body()));

        answers.add(new Answer(200, view("REGISTERED", "OPEN", "v2")));
        client.poll("v1", 99);
        assertEquals("/api/participants/17?since=v1&wait=60", seen.get(1).path(), "the wait is capped");
        assertEquals("tok-17", seen.get(1).participant());

        answers.add(new Answer(200, "{}"));
        client.report(Report.transferring(5, 10));
        assertEquals("/api/participants/17/progress", seen.get(2).path());
        assertEquals("tok-17", seen.get(2).participant());
        assertEquals(new JsonObject().put("state", "TRANSFERRING").put("bytesDone", 5).put("bytesTotal", 10),
                new JsonObject(seen.get(2).body()));
    }

    @Test
    void awaitStartPollsUntilTheRunStartsForThisDevice() {
        DeviceView first = registered();
        answers.add(new Answer(200, view("REGISTERED", "OPEN", "v2")));
        answers.add(new Answer(200, view("REGISTERED", "STARTED", "v3")));
        DeviceView started = client.awaitStart(first, 20);
        assertTrue(started.started());
        assertEquals("v3", started.version());
        assertEquals("/api/participants/17?since=v1&wait=20", seen.get(1).path());
        assertEquals("/api/participants/17?since=v2&wait=20", seen.get(2).path());
    }

    @Test
    void aQueuedDeviceWaitsForItsOwnRun() {
        answers.add(new Answer(201, view("QUEUED", "STARTED", "v1")));
        DeviceView queued = client.register("mcast01", Registration.client("d", "h", "10.0.0.9"), "t");
        assertTrue(!queued.started() && !queued.runEndedWithoutThisDevice());
        answers.add(new Answer(200, view("REGISTERED", "CANCELLED", "v2")));
        RegistryException e = assertThrows(RegistryException.class, () -> client.awaitStart(queued, 5));
        assertEquals(RegistryException.Kind.RUN_ENDED, e.kind());
        assertTrue(e.getMessage().startsWith("run 2 of mcast01 was cancelled before this device's copy was done"),
                e.getMessage());
    }

    private static String started(String version, String sender) {
        JsonObject v = new JsonObject(view("REGISTERED", "STARTED", version));
        return (sender == null ? v : v.put("senderAddress", sender)).encode();
    }

    /** A run the server sends: started first, its sender named a moment later (transfer.started). */
    @Test
    void awaitSenderPollsUntilTheRegistryNamesTheSender() throws Exception {
        DeviceView first = registered();
        answers.add(new Answer(200, started("v2", null)));
        DeviceView view = client.awaitStart(first, 20);
        assertNull(view.sender());
        answers.add(new Answer(200, started("v3", null)));
        answers.add(new Answer(503, "{\"message\":\"restarting\"}"));  // passing: retried
        answers.add(new Answer(200, started("v4", "10.250.0.1")));
        DeviceView named = client.awaitSender(view, java.time.Duration.ofSeconds(30));
        assertEquals(InetAddress.getByName("10.250.0.1"), named.sender());
        assertTrue(seen.get(2).path().matches("/api/participants/17\\?since=v2&wait=(29|30)"), seen.get(2).path());
        assertTrue(seen.get(3).path().startsWith("/api/participants/17?since=v3&wait="), seen.get(3).path());
        assertEquals(5, seen.size(), "no poll once the sender is named");
        assertEquals(named, client.awaitSender(named, java.time.Duration.ofSeconds(30)), "named: no request");
        assertEquals(5, seen.size());
    }

    @Test
    void awaitSenderGivesUpAfterItsTimeOrWhenTheRunEnds() {
        DeviceView first = registered();
        answers.add(new Answer(200, started("v2", null)));
        DeviceView view = client.awaitStart(first, 20);
        answers.add(new Answer(200, started("v2", null), 400));  // the long poll ran out unchanged
        long t0 = System.nanoTime();
        DeviceView unnamed = client.awaitSender(view, java.time.Duration.ofMillis(300));
        assertNull(unnamed.sender(), "the time is up: the last view, without a sender");
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
        assertEquals("/api/participants/17?since=v2&wait=1", seen.get(2).path());

        answers.add(new Answer(200, new JsonObject(view("REGISTERED", "FAILED", "v3")).put("endReason", "no sender")
                .encode()));
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.awaitSender(view, java.time.Duration.ofSeconds(30)));
        assertEquals(RegistryException.Kind.RUN_ENDED, e.kind());

        answers.add(new Answer(401, "{\"message\":\"unknown participant token\"}"));
        assertEquals(RegistryException.Kind.TOKEN_REFUSED, assertThrows(RegistryException.class,
                () -> client.awaitSender(view, java.time.Duration.ofSeconds(30))).kind(), "a refusal is not retried");
    }

    @Test
    void theSenderIsADottedUnicastIpv4AddressNeverAHostName() {
        assertNull(DeviceView.of(new JsonObject(view("REGISTERED", "STARTED", "v1"))).sender());
        for (String bad : List.of("sender.example", "239.1.2.3", "0.0.0.0", "10.0.0.256", "::1", "")) {
            DeviceView v = DeviceView.of(new JsonObject(started("v1", bad)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, v::sender, bad);
            assertTrue(e.getMessage().contains("'" + bad + "', which is not a unicast IPv4 address"), e.getMessage());
        }
    }

    @Test
    void refusalsCarryTheServersMessage() {
        registered();
        answers.add(new Answer(409, "{\"message\":\"run 2 already has a master: pc-9\"}"));
        RegistryException e = assertThrows(RegistryException.class, () -> client.becomeMaster(null, null));
        assertEquals(RegistryException.Kind.REFUSED, e.kind());
        assertEquals(409, e.status());
        assertEquals("run 2 already has a master: pc-9", e.serverMessage());
        assertEquals("run 2 already has a master: pc-9", e.getMessage());

        answers.add(new Answer(400, "{\"message\":\"bad time\"}"));
        assertEquals(RegistryException.Kind.BAD_REQUEST,
                assertThrows(RegistryException.class, () -> client.start()).kind());

        answers.add(new Answer(401, "{\"message\":\"unknown participant token\"}"));
        e = assertThrows(RegistryException.class, () -> client.view());
        assertEquals(RegistryException.Kind.TOKEN_REFUSED, e.kind());
        assertEquals("the server refused this device's token: unknown participant token", e.getMessage());

        answers.add(new Answer(503, "{\"message\":\"database down\"}"));
        e = assertThrows(RegistryException.class, () -> client.view());
        assertEquals(RegistryException.Kind.SERVER_ERROR, e.kind());
        assertEquals("session-service failed (HTTP 503): database down", e.getMessage());
    }

    @Test
    void theEnrollmentTokenAndTheWrongServerAreToldApart() {
        answers.add(new Answer(403, "{\"message\":\"wrong enrollment token\"}"));
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.register("s", Registration.client("d", "h", "10.0.0.1"), "nope"));
        assertEquals(RegistryException.Kind.ENROLLMENT_REFUSED, e.kind());
        assertEquals("the server refused the enrollment token: wrong enrollment token", e.getMessage());

        answers.add(new Answer(200, "<html>hello</html>"));
        e = assertThrows(RegistryException.class, () -> client.register("s", Registration.client("d", "h", "a"), "t"));
        assertEquals(RegistryException.Kind.NOT_A_REGISTRY, e.kind());
        assertTrue(e.getMessage().contains("is not an imgcast session-service (HTTP 200, no JSON answer)"));
        assertNull(e.serverMessage());

        answers.add(new Answer(404, "{\"message\":\"Not Found\"}"));
        e = assertThrows(RegistryException.class, () -> client.register("s", Registration.client("d", "h", "a"), "t"));
        assertEquals(RegistryException.Kind.NOT_A_REGISTRY, e.kind());
        assertTrue(e.getMessage().endsWith("answered 404 (Not Found): is this the session-service URL?"));
    }

    @Test
    void anUnreachableServerIsSaidSo() {
        int port = server.getAddress().getPort();
        server.stop(0);
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.register("s", Registration.client("d", "h", "a"), "t"));
        assertEquals(RegistryException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().startsWith("cannot reach session-service at http://127.0.0.1:" + port + "/"));
    }

    @Test
    void onlyHttpUrlsWithAHost() {
        assertEquals("must be an http:// or https:// URL with a host, not ftp://x",
                assertThrows(IllegalArgumentException.class, () -> new RegistryClient("ftp://x")).getMessage());
        assertEquals("is not a URL: http://a b",
                assertThrows(IllegalArgumentException.class, () -> new RegistryClient("http://a b")).getMessage());
        assertEquals("https://imaging:8081/", new RegistryClient("https://imaging:8081").server());
    }

    @Test
    void reportsCarryWhatTheirStateNeeds() {
        assertEquals(new JsonObject().put("state", "VERIFIED").put("bytesDone", 4L).put("bytesTotal", 4L)
                .put("sha256", "ab"), Report.verified("ab", 4L, 4L).toJson());
        assertEquals(new JsonObject().put("state", "DROPPED").put("reason", "failed"),
                Report.failed(TransferStatus.DROPPED, " ").toJson());
        assertThrows(IllegalArgumentException.class, () -> Report.failed(TransferStatus.VERIFIED, "x"));
    }
}
