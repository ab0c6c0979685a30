package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.fail;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real session-service jar, in the root namespace (it needs the machine's PostgreSQL and
 * RabbitMQ), listening only on the lab's server link (10.250.0.254, {@code lab.sh server}).
 */
public final class SessionService implements AutoCloseable {
    public static final String TOKEN = "e2e-enrollment-token";
    private static final String ADMIN = "e2e-admin-password";
    private static final String ADMIN_AUTH = AdminHttp.basic("admin", ADMIN);

    private PackagedApp process;
    private final Path work;
    private final int port;
    private int launches;
    private final HttpClient http = HttpClient.newHttpClient();

    private final List<String> extra;

    private SessionService(Path work, int port, List<String> extra) {
        this.work = work;
        this.port = port;
        this.extra = extra;
    }

    /**
     * Starts it with a clean schema of its own, and these system properties too ({@code key=value},
     * e.g. where the image store is); the lab must have its server link.
     */
    public static SessionService start(Path work, String... extra) throws Exception {
        SessionService service = new SessionService(work, Ports.free(), List.of(extra));
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
                "quarkus.http.host=10.250.0.254", "quarkus.http.port=" + port,
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_e2e",
                "quarkus.flyway.schemas=imgcast_e2e",
                "imgcast.enrollment-token=" + TOKEN, "imgcast.admin-password=" + ADMIN,
                "imgcast.session.result-grace=5s",
                "mp.messaging.incoming.transfer-events.queue.name=session-service-e2e.transfer",
                "mp.messaging.incoming.transfer-events.queue.auto-delete=true"));
        properties.addAll(extra);
        if (clean) {
            properties.add("quarkus.flyway.clean-disabled=false");
            properties.add("quarkus.flyway.clean-at-start=true");
        }
        launches++;
        process = Services.start("session-service", null,
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
        return Waits.until(seconds, () -> {
            HttpResponse<String> r = get("/api/sessions/" + name, true);
            return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        }, s -> s != null && s.getInteger("runNo") == runNo && state.equals(s.getString("state")),
            s -> "session " + name + " run " + runNo + " did not reach " + state + " in " + seconds + " s: " + s);
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
