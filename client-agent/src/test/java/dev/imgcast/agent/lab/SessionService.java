package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real session-service jar, in the root namespace (it needs the machine's PostgreSQL and
 * RabbitMQ), listening only on the lab's server link (10.250.0.254, {@code lab.sh server}).
 */
public final class SessionService implements AutoCloseable {
    public static final String TOKEN = "e2e-enrollment-token";
    private static final String ADMIN = "e2e-admin-password";
    private static final Path JAR = Path.of(System.getProperty("imgcast.session-service.jar",
            "../session-service/target/quarkus-app/quarkus-run.jar"));

    private Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private SessionService(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts it with a clean schema of its own; the lab must have its server link. */
    public static SessionService start(Path work) throws Exception {
        assertTrue(Files.exists(JAR), JAR.toAbsolutePath() + " is missing: build session-service first "
                + "(./mvnw verify builds it before client-agent)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SessionService service = new SessionService(null, work.resolve("session-service.log"), port);
        service.launch(true);
        return service;
    }

    /** Kills it (SIGKILL, no clean shutdown) and starts it again on the same database and port. */
    public void restart() throws Exception {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        launch(false);
    }

    private void launch(boolean clean) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.http.host=10.250.0.254", "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_e2e",
                "-Dquarkus.flyway.schemas=imgcast_e2e",
                "-Dimgcast.enrollment-token=" + TOKEN, "-Dimgcast.admin-password=" + ADMIN,
                "-Dimgcast.session.result-grace=5s",
                "-Dmp.messaging.incoming.transfer-events.queue.name=session-service-e2e.transfer",
                "-Dmp.messaging.incoming.transfer-events.queue.auto-delete=true"));
        if (clean) {
            command.add("-Dquarkus.flyway.clean-disabled=false");
            command.add("-Dquarkus.flyway.clean-at-start=true");
        }
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                fail("session-service exited: " + Files.readString(log));
            }
            try {
                if (get("/q/health/ready", false).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        fail("session-service not ready in 90 s: " + Files.readString(log));
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
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, boolean admin) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        if (admin) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
