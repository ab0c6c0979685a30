package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.Registration;
import dev.imgcast.registry.client.RegistryClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for the start without a terminal, as a script runs {@code img session NAME master --go}:
 * one line per change. A registry on the loopback (HTTP only) keeps one run: OPEN with one device
 * registered until the master's start, STARTED after it; a long poll answers at once when the
 * device's version is not the run's, as session-service does.
 */
class StartWaitTest {
    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private String version = "11.3";
    private RegistryClient registry;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        registry = new RegistryClient("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String uri = exchange.getRequestURI().toString();
        String body;
        synchronized (this) {
            requests.add(exchange.getRequestMethod() + " " + uri);
            if (uri.endsWith("/start")) {
                version = "11.4";
            }
            body = view(version);
        }
        if (uri.contains("since=" + version)) {
            pause();  // a long poll with nothing new
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String view(String version) {
        boolean started = version.equals("11.4");
        return new JsonObject().put("participantId", 5).put("participantToken", "tok").put("name", "lab7")
                .put("role", "MASTER").put("state", "REGISTERED").put("runState", started ? "STARTED" : "OPEN")
                .put("runId", 11).put("runNo", 1).put("version", version).put("sourceKind", "DEVICE")
                .put("registered", 1).put("group", "239.1.2.3").put("port", 9100).put("key", "AAAA")
                .put("message", started ? "imaging started: g pressed on the master (pc-1)"
                        : "master of lab7, 1 registered; waiting for g on the master, or a start from the server")
                .put("waitingFor", started ? null : "waiting for g on the master, or a start from the server").encode();
    }

    @Test
    void goPrintsEachStateOnceInPlainLines() {
        DeviceView first = registry.register("lab7", Registration.client("pc-1", "pc-1", "10.250.0.11"), "token");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        DeviceScreen screen = new DeviceScreen(new PrintStream(captured, true, StandardCharsets.UTF_8),
                Clock.systemUTC(), false, "lab7", "eth0", "pc-1", registry.server());
        DeviceView started = new StartWait(registry, screen, true, new ByteArrayInputStream(new byte[0])).await(first);
        String shown = captured.toString(StandardCharsets.UTF_8);
        assertTrue(started.started(), started.toString());
        assertEquals("""
                session lab7 run 1 OPEN: this device MASTER REGISTERED, 1 registered; this device's disk is the source; \
                waiting for g on the master, or a start from the server
                session lab7 run 1 STARTED: this device MASTER REGISTERED, 1 registered; imaging started: g pressed \
                on the master (pc-1)
                g: imaging starts
                """, shown, "requests: " + requests);
        assertTrue(requests.contains("POST /api/participants/5/start"), requests.toString());
    }
}
