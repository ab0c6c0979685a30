package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.Registration;
import dev.imgcast.registry.client.RegistryClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which sender a session device takes the image from: the one session-service names, waited for
 * while it names none. A registry on the loopback (HTTP only, no datagrams) answers canned views.
 */
class DeviceRunTest {
    private HttpServer server;
    private final Deque<String> answers = new ArrayDeque<>();
    private final List<String> paths = new ArrayList<>();
    private RegistryClient registry;
    private DeviceRun run;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        registry = new RegistryClient("http://127.0.0.1:" + server.getAddress().getPort());
        run = new DeviceRun(registry, "lab7", Path.of("disk.img"), "eth0", "pc-1", Duration.ofMillis(600));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        paths.add(exchange.getRequestURI().toString());
        String body = answers.isEmpty() ? null : answers.poll();
        if (body == null) {
            try {
                Thread.sleep(200);  // a long poll with nothing new
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            body = lastView;
        }
        lastView = body;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String lastView;

    private static String view(String version, String sender) {
        JsonObject v = new JsonObject().put("participantId", 5).put("participantToken", "tok").put("name", "lab7")
                .put("role", "CLIENT").put("state", "REGISTERED").put("runState", "STARTED").put("runNo", 1)
                .put("version", version).put("group", "239.1.2.3").put("port", 9100).put("key", "AAAA");
        return (sender == null ? v : v.put("senderAddress", sender)).encode();
    }

    private DeviceView registered(String sender) {
        answers.add(view("v1", sender));
        return registry.register("lab7", Registration.client("pc-1", "pc-1", "10.250.0.11"), "token");
    }

    private static String said(Runnable action) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSenderNamedFromTheStartIsTakenAtOnce() throws Exception {
        DeviceView view = registered("10.250.0.1");  // a master device: named from its registration
        ReceiveSettings[] settings = new ReceiveSettings[1];
        String out = said(() -> settings[0] = run.receiveSettings(view));
        assertEquals(InetAddress.getByName("10.250.0.1"), settings[0].sender(), "the receiver takes this sender only");
        assertEquals("pc-1", settings[0].host());
        assertEquals(1, paths.size(), "no poll: " + paths);
        assertTrue(out.contains("sender of run 1: 10.250.0.1 (named by session-service)"), out);
    }

    @Test
    void aRunTheServerSendsIsFollowedUntilTheSenderIsNamed() throws Exception {
        DeviceView view = registered(null);
        answers.add(view("v2", null));
        answers.add(view("v3", "10.250.0.1"));  // transfer.started reached the registry
        ReceiveSettings[] settings = new ReceiveSettings[1];
        String out = said(() -> settings[0] = run.receiveSettings(view));
        assertEquals(InetAddress.getByName("10.250.0.1"), settings[0].sender());
        assertTrue(out.contains("waiting for session-service to name the sender of run 1"), out);
        assertTrue(paths.get(1).startsWith("/api/participants/5?since=v1"), paths.toString());
        assertEquals(3, paths.size(), paths.toString());
    }

    @Test
    void aSenderNeverNamedIsAFailureNotAGuess() {
        DeviceView view = registered(null);
        long t0 = System.nanoTime();
        Img.Problem p = assertThrows(Img.Problem.class, () -> said(() -> run.receiveSettings(view)));
        assertEquals(ExitCode.NETWORK, p.exitCode);
        assertTrue(p.getMessage().startsWith("session-service named no sender for run 1 of lab7 within 0.6 s"),
                p.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "the wait is bounded");
    }

    @Test
    void aSenderThatIsNoAddressIsRefused() {
        DeviceView view = registered("imaging.example");
        Img.Problem p = assertThrows(Img.Problem.class, () -> run.receiveSettings(view));
        assertEquals(ExitCode.NETWORK, p.exitCode);
        assertTrue(p.getMessage().contains("'imaging.example', which is not a unicast IPv4 address"), p.getMessage());
    }
}
