package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry is the database: the packaged service is killed (SIGKILL) in the middle of two
 * sessions and started again; registrations, tokens, rules and the time= clock carry on.
 */
class RestartIT {
    private static final String ENROLLMENT = "restart-it-token";
    private static final String ADMIN = "restart-it-admin";
    private Process service;
    private Path log;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKilledServiceLosesNothing() throws Exception {
        port = freePort();
        start(true);
        Map<String, Object> master = Map.of("deviceId", "m", "hostname", "master-pc", "address", "10.250.0.10",
                "role", "master", "clients", 3);
        JsonPath m = register("restart01", master);
        JsonPath c1 = register("restart01", Map.of("deviceId", "c1", "hostname", "pc-1"));
        // a second session, whose time= must fire after the restart, with nobody registering
        register("restart02", Map.of("deviceId", "m", "role", "m", "time", 0.1));
        register("restart02", Map.of("deviceId", "c1"));
        String key = m.getString("key");

        kill();
        start(false);

        JsonPath s = admin().get("/api/sessions/restart01").then().statusCode(200).extract().jsonPath();
        assertEquals("OPEN", s.getString("state"));
        assertEquals(1, s.getInt("registered"));
        assertEquals(2, s.getList("participants").size());
        assertEquals(3, s.getInt("clients"));
        // the device's token still works, the key is the same
        JsonPath again = given().header("X-Imgcast-Participant-Token", c1.getString("participantToken"))
                .get("/api/participants/{id}", c1.getLong("participantId")).then().statusCode(200).extract().jsonPath();
        assertEquals(key, again.getString("key"));
        register("restart01", Map.of("deviceId", "c2"));
        JsonPath third = register("restart01", Map.of("deviceId", "c3"));
        assertEquals("STARTED", third.getString("runState"));
        assertEquals("clients=3 reached (3 registered)", third.getString("startReason"));

        long end = System.nanoTime() + 20_000_000_000L;
        String state;
        do {
            state = admin().get("/api/sessions/restart02").then().statusCode(200).extract().jsonPath().getString("state");
            Thread.sleep(200);
        } while (!"STARTED".equals(state) && System.nanoTime() < end);
        assertEquals("STARTED", state, "the time= rule of restart02 fired after the restart");
    }

    private void start(boolean clean) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the service first (mvn verify does)");
        log = Files.createTempFile("session-service-restart", ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_restart",
                "-Dquarkus.flyway.schemas=imgcast_restart",
                "-Dimgcast.enrollment-token=" + ENROLLMENT,
                "-Dimgcast.admin-password=" + ADMIN,
                "-Dmp.messaging.incoming.transfer-events.queue.name=session-service-restart-it.transfer",
                "-Dmp.messaging.incoming.transfer-events.queue.auto-delete=true"));
        if (clean) {
            cmd.add("-Dquarkus.flyway.clean-disabled=false");
            cmd.add("-Dquarkus.flyway.clean-at-start=true");
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        service = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            if (!service.isAlive()) {
                throw new AssertionError("the service exited: " + Files.readString(log));
            }
            try {
                if (given().baseUri("http://127.0.0.1").port(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not become ready in 60 s: " + Files.readString(log));
    }

    private void kill() throws InterruptedException {
        service.destroyForcibly();
        assertTrue(service.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, service.exitValue(), "killed with SIGKILL, no clean shutdown");
    }

    private JsonPath register(String name, Map<String, Object> body) {
        JsonPath j = given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON)
                .header("X-Imgcast-Enrollment-Token", ENROLLMENT).body(body)
                .post("/api/sessions/{name}/registrations", name).then().statusCode(200).extract().jsonPath();
        assertNotNull(j.getString("participantToken"));
        return j;
    }

    private io.restassured.specification.RequestSpecification admin() {
        return given().baseUri("http://127.0.0.1").port(port).auth().preemptive().basic("admin", ADMIN);
    }

    private io.restassured.specification.RequestSpecification given() {
        return io.restassured.RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
