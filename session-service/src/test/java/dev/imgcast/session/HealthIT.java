package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the service's dependencies: the packaged session-service is running, then
 * this machine's PostgreSQL is stopped (readiness DOWN, naming the database; liveness stays UP,
 * so Kubernetes takes the pod out of the Service without restarting it) and started again (UP,
 * and the API answers from the database again); then RabbitMQ's broker application is stopped
 * (readiness DOWN, naming the event channel) and started again (UP).
 *
 * <p>The services are the ones every other test uses: they are always started again in a
 * finally block, and this test waits until they accept connections before it ends. Maven runs
 * test classes one at a time, so nothing else uses them meanwhile.
 */
class HealthIT {
    private static final String ADMIN = "health-it-admin";
    private PackagedService service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void readinessIsDownWhileThePostgresqlOrTheBrokerIsStoppedAndUpWhenTheyReturn() throws Exception {
        service = PackagedService.start("health", 0, true, "health-it-token", ADMIN);
        assertEquals(200, ready().statusCode(), ready().asString());
        admin().get("/api/sessions").then().statusCode(200);

        try {
            postgres("stop");
            Response down = await(503, "PostgreSQL stopped");
            assertEquals("DOWN", check(down, "Database connections health check"), down.asString());
            assertEquals(200, live().statusCode(), "liveness does not depend on the database: " + live().asString());
        } finally {
            postgres("start");
        }
        Response up = await(200, "PostgreSQL back");
        assertEquals("UP", check(up, "Database connections health check"));
        awaitApi();

        try {
            rabbitmq("stop_app");
            Response down = await(503, "RabbitMQ stopped");
            assertEquals("DOWN", check(down, "SmallRye Reactive Messaging - readiness check"), down.asString());
            assertTrue(down.asString().contains("transfer-events"), down.asString());
            assertEquals("UP", check(down, "Database connections health check"));
        } finally {
            rabbitmq("start_app");
        }
        Response back = await(200, "RabbitMQ back");
        assertEquals("UP", check(back, "SmallRye Reactive Messaging - readiness check"));
    }

    private Response await(int status, String what) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        Response r = ready();
        while (r.statusCode() != status && System.nanoTime() < end) {
            Thread.sleep(250);
            r = ready();
        }
        assertEquals(status, r.statusCode(), what + ": readiness after 60 s: " + r.asString()
                + "\nservice log:\n" + service.log());
        return r;
    }

    /** After the database returns, the pool hands out working connections again. */
    private void awaitApi() throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        int status;
        do {
            status = admin().get("/api/sessions").statusCode();
            if (status != 200) {
                Thread.sleep(250);
            }
        } while (status != 200 && System.nanoTime() < end);
        assertEquals(200, status, "the API after PostgreSQL returned");
    }

    private static String check(Response health, String name) {
        List<String> status = JsonPath.from(health.asString()).getList("checks.findAll { it.name == '" + name
                + "' }.status");
        assertEquals(1, status.size(), name + " in " + health.asString());
        return status.get(0);
    }

    private Response ready() {
        return given().get("/q/health/ready");
    }

    private Response live() {
        return given().get("/q/health/live");
    }

    private static void postgres(String action) throws Exception {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "--", "-m", "fast");
        if (action.equals("start")) {
            for (int i = 0; i < 120 && runQuiet("pg_isready", "-h", "127.0.0.1", "-p", "5432") != 0; i++) {
                Thread.sleep(250);
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
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", ADMIN);
    }

    private io.restassured.specification.RequestSpecification given() {
        return service.given();
    }
}
