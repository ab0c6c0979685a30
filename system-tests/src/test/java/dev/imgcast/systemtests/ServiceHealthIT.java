package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.imgcast.events.EncodedEvent;
import dev.imgcast.events.Envelope;
import dev.imgcast.events.EventCodec;
import dev.imgcast.events.Exchange;
import dev.imgcast.events.TransferFinished;
import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health of the three distributed services as Kubernetes probes it: session-service,
 * image-store and multicast-sender run as packaged processes; this machine's PostgreSQL is
 * stopped, then RabbitMQ's broker (`rabbitmqctl stop_app`). While the database is away, the
 * services that use it (session-service, image-store) are not ready, naming the datasource check;
 * the sender, which has no database, stays ready. While the broker is away, all three are not
 * ready, naming the event channel. Liveness stays UP through both outages: Kubernetes takes the
 * pods out of their Services and does not restart them. Each time the dependency returns, all
 * three are ready again and the APIs answer.
 *
 * <p>The services are the ones every other test uses: they are always started again in a
 * finally block, and the test waits until they accept connections. Maven runs one test class
 * at a time, so nothing else uses them meanwhile.
 */
class ServiceHealthIT {
    private static final String ADMIN = "health-admin";
    private static final String DATASOURCE = "Database connections health check";
    private static final long UNKNOWN_RUN = 987_654_321L;
    private static final String CHANNELS = "SmallRye Reactive Messaging - readiness check";

    @TempDir
    Path work;

    @Test
    void readinessFollowsPostgresqlAndRabbitmqAndComesBack() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String s : new String[] {"session-service", "image-store", "multicast-sender"}) {
            ports.put(s, Ports.free());
        }
        try (PackagedApp session = Services.start("session-service", null, work.resolve("session.log"),
                "quarkus.http.host=127.0.0.1", "quarkus.http.port=" + ports.get("session-service"),
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_health",
                "quarkus.flyway.schemas=imgcast_health", "quarkus.flyway.clean-disabled=false",
                "quarkus.flyway.clean-at-start=true", "imgcast.admin-password=" + ADMIN,
                "imgcast.enrollment-token=health-token",
                "mp.messaging.incoming.transfer-events.queue.name=session-service-health.transfer",
                "mp.messaging.incoming.transfer-events.queue.auto-delete=true");
             PackagedApp store = Services.start("image-store", null, work.resolve("store.log"),
                "quarkus.http.host=127.0.0.1", "quarkus.http.port=" + ports.get("image-store"),
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_images_health",
                "quarkus.flyway.schemas=imgcast_images_health", "quarkus.flyway.clean-disabled=false",
                "quarkus.flyway.clean-at-start=true", "imgcast.admin-password=" + ADMIN,
                "imgcast.reader-password=health-reader", "imgcast.images.dir=" + work.resolve("images"),
                "mp.messaging.incoming.session-events.queue.name=image-store-health.session",
                "mp.messaging.incoming.session-events.queue.auto-delete=true");
             // its own auto-deleted queue: it never takes a session of anyone else; it sends nothing
             PackagedApp sender = Services.start("multicast-sender", null, work.resolve("sender.log"),
                "quarkus.http.host=127.0.0.1", "quarkus.http.port=" + ports.get("multicast-sender"),
                "imgcast.sender.interface=lo", "imgcast.image-store.password=health-reader",
                "imgcast.sender.cache-dir=" + work.resolve("cache"),
                "mp.messaging.incoming.session-events.queue.name=multicast-sender-health.sessions",
                "mp.messaging.incoming.session-events.queue.auto-delete=true")) {
            for (String s : ports.keySet()) {
                await(ports, s, 200, "at the start");
            }

            try {
                postgres("stop");
                JsonObject sessionDown = await(ports, "session-service", 503, "PostgreSQL stopped");
                assertEquals("DOWN", check(sessionDown, DATASOURCE), sessionDown.encodePrettily());
                JsonObject storeDown = await(ports, "image-store", 503, "PostgreSQL stopped");
                assertEquals("DOWN", check(storeDown, DATASOURCE), storeDown.encodePrettily());
                assertEquals(200, get(ports, "multicast-sender", "/q/health/ready").statusCode(),
                        "the sender has no database");
                for (String s : new String[] {"session-service", "image-store"}) {
                    HttpResponse<String> live = get(ports, s, "/q/health/live");
                    assertEquals(200, live.statusCode(), s + ": liveness does not follow the database: " + live.body());
                }
                // an event that comes while the database is away is kept, not lost, and does
                // not stop the consumer (it would leave the service not ready for good)
                publishTransferFinished(UNKNOWN_RUN);
                Waits.until(30, () -> Files.readString(work.resolve("session.log")),
                        log -> log.contains("delivered again"), log -> "the transfer event during the outage: " + log);
            } finally {
                postgres("start");
            }
            for (String s : ports.keySet()) {
                await(ports, s, 200, "PostgreSQL back");
            }
            Waits.until(30, () -> Files.readString(work.resolve("session.log")),
                    log -> log.contains("for unknown run " + UNKNOWN_RUN + " ignored"),
                    log -> "the event held back during the outage was not applied after it: " + log);
            awaitApi(ports, "session-service", "/api/sessions");
            awaitApi(ports, "image-store", "/api/images");

            try {
                rabbitmq("stop_app");
                for (String s : ports.keySet()) {
                    JsonObject down = await(ports, s, 503, "RabbitMQ stopped");
                    assertEquals("DOWN", check(down, CHANNELS), s + ": " + down.encodePrettily());
                }
                for (String s : ports.keySet()) {
                    HttpResponse<String> live = get(ports, s, "/q/health/live");
                    assertEquals(200, live.statusCode(), s + ": liveness does not follow the broker (a restarted "
                            + "sender would kill its transfer): " + live.body());
                }
            } finally {
                rabbitmq("start_app");
            }
            for (String s : ports.keySet()) {
                JsonObject up = await(ports, s, 200, "RabbitMQ back");
                assertEquals("UP", check(up, CHANNELS), s + ": " + up.encodePrettily());
            }
        }
    }

    /** A transfer.finished for a run no session-service has: applied means logged and ignored. */
    private static void publishTransferFinished(long runId) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection("service-health-it"); Channel ch = connection.createChannel()) {
            EncodedEvent event = EventCodec.encode(new TransferFinished(Envelope.now(), runId,
                    TransferFinished.Outcome.FAILED, "sent by ServiceHealthIT"));
            ch.basicPublish(Exchange.TRANSFER.exchangeName(), event.type().routingKey(), null,
                    event.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    private JsonObject await(Map<String, Integer> ports, String service, int status, String when) throws Exception {
        HttpResponse<String> r = Waits.until(60, () -> get(ports, service, "/q/health/ready"),
                ready -> ready.statusCode() == status, ready -> service + " readiness, " + when + ", after up to 60 s: "
                        + ready.statusCode() + " " + ready.body() + "\n" + Files.readString(work.resolve(logOf(service))));
        return new JsonObject(r.body());
    }

    private static String logOf(String service) {
        return switch (service) {
            case "session-service" -> "session.log";
            case "image-store" -> "store.log";
            default -> "sender.log";
        };
    }

    /** After the database returns, the pools hand out working connections again. */
    private void awaitApi(Map<String, Integer> ports, String service, String path) throws Exception {
        Waits.until(30, () -> get(ports, service, path).statusCode(), status -> status == 200,
                status -> service + " " + path + " after PostgreSQL returned: " + status);
    }

    private static String check(JsonObject health, String name) {
        JsonArray checks = health.getJsonArray("checks");
        String status = null;
        for (int i = 0; i < checks.size(); i++) {
            if (name.equals(checks.getJsonObject(i).getString("name"))) {
                assertEquals(null, status, name + " twice in " + health.encode());
                status = checks.getJsonObject(i).getString("status");
            }
        }
        assertTrue(status != null, name + " not in " + health.encode());
        return status;
    }

    private static HttpResponse<String> get(Map<String, Integer> ports, String service, String path)
            throws Exception {
        return new AdminHttp("http://127.0.0.1:" + ports.get(service), ADMIN).get(path);
    }

    private static void postgres(String action) throws Exception {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "--", "-m", "fast");
        if (action.equals("start")) {
            // as before: up to 30 s for it to accept connections; the readiness waits that follow
            // say so if it does not
            try {
                Waits.upToSeconds(30).until(() -> runQuiet("pg_isready", "-h", "127.0.0.1", "-p", "5432") == 0);
            } catch (ConditionTimeoutException stillStarting) {
                // the services' readiness below reports it
            }
        }
    }

    private static void rabbitmq(String action) throws Exception {
        run("rabbitmqctl", action);
        if (action.equals("start_app")) {
            run("rabbitmqctl", "await_startup");
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }

    private static int runQuiet(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
