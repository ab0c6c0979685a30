package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;

/**
 * The real session-service jar, in the root namespace (it needs the machine's PostgreSQL and
 * RabbitMQ), listening only on the lab's server link (10.250.0.254, {@code lab.sh server}).
 */
public final class SessionService implements AutoCloseable {
    public static final String TOKEN = "e2e-enrollment-token";
    private static final String ADMIN = "e2e-admin-password";
    private static final String ADMIN_AUTH = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN)
            .getBytes(StandardCharsets.UTF_8));

    private ServiceProcess process;
    private final Path work;
    private final int port;
    private int launches;
    private final HttpClient http = HttpClient.newHttpClient();

    private SessionService(Path work, int port) {
        this.work = work;
        this.port = port;
    }

    /** Starts it with a clean schema of its own; the lab must have its server link. */
    public static SessionService start(Path work) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SessionService service = new SessionService(work, port);
        service.launch(true);
        return service;
    }

    /** Kills it (SIGKILL, no clean shutdown) and starts it again on the same database and port. */
    public void restart() throws Exception {
        process.kill();
        launch(false);
    }

    private void launch(boolean clean) throws Exception {
        List<String> properties = new ArrayList<>(List.of(
                "-Dquarkus.http.host=10.250.0.254", "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_e2e",
                "-Dquarkus.flyway.schemas=imgcast_e2e",
                "-Dimgcast.enrollment-token=" + TOKEN, "-Dimgcast.admin-password=" + ADMIN,
                "-Dimgcast.session.result-grace=5s",
                "-Dmp.messaging.incoming.transfer-events.queue.name=session-service-e2e.transfer",
                "-Dmp.messaging.incoming.transfer-events.queue.auto-delete=true"));
        if (clean) {
            properties.add("-Dquarkus.flyway.clean-disabled=false");
            properties.add("-Dquarkus.flyway.clean-at-start=true");
        }
        launches++;
        process = ServiceProcess.start("session-service", null,
                work.resolve("session-service-" + launches + ".log"), properties.toArray(String[]::new));
    }

    public String url() {
        return "http://10.250.0.254:" + port;
    }

    /** The admin's view of a session (GET /api/sessions/NAME). */
    public JsonObject session(String name) throws Exception {
        HttpResponse<String> r = get("/api/sessions/" + name, true);
        if (r.statusCode() != 200) {
            fail("GET session " + name + ": " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body());
    }

    public io.vertx.core.json.JsonArray runs(String name) throws Exception {
        return new io.vertx.core.json.JsonArray(get("/api/sessions/" + name + "/runs", true).body());
    }

    /** Waits until the session's live (or last) run is in {@code state}. */
    public JsonObject awaitState(String name, int runNo, String state, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        JsonObject s = null;
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get("/api/sessions/" + name, true);
            s = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
            if (s != null && s.getInteger("runNo") == runNo && state.equals(s.getString("state"))) {
                return s;
            }
            Thread.sleep(200);
        }
        fail("session " + name + " run " + runNo + " did not reach " + state + " in " + seconds + " s: " + s);
        return null;
    }

    /** An admin POST with a JSON body; returns status and body. */
    public HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", ADMIN_AUTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, boolean admin) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        if (admin) {
            b.header("Authorization", ADMIN_AUTH);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.close();
        }
    }
}
