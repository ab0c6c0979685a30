package dev.imgcast.session;

import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The packaged session-service ({@code target/quarkus-app}) as its own process, on a free port,
 * against the local PostgreSQL (its own schema) and RabbitMQ (its own auto-deleted queue).
 */
final class PackagedService implements AutoCloseable {
    final int port;
    final Path log;
    private final PackagedApp app;

    private PackagedService(int port, PackagedApp app) {
        this.port = port;
        this.log = app.logFile();
        this.app = app;
    }

    /**
     * Starts it and waits until it is ready. {@code clean}: an empty schema first.
     * {@code port} 0 picks a free one.
     */
    static PackagedService start(String name, int port, boolean clean, String enrollment, String admin)
            throws Exception {
        int p = port != 0 ? port : Ports.free();
        PackagedApp.Builder b = PackagedApp.jar("session-service", Path.of("target/quarkus-app/quarkus-run.jar"))
                .property("quarkus.http.port", p)
                .property("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_" + name)
                .property("quarkus.flyway.schemas", "imgcast_" + name)
                .property("imgcast.enrollment-token", enrollment)
                .property("imgcast.admin-password", admin)
                .property("mp.messaging.incoming.transfer-events.queue.name", "session-service-" + name + "-it.transfer")
                .property("mp.messaging.incoming.transfer-events.queue.auto-delete", "true")
                .log(Files.createTempFile("session-service-" + name, ".log"))
                .readyWhenHealthy("http://127.0.0.1:" + p + "/q/health/ready").timeout(Duration.ofSeconds(60));
        if (clean) {
            b.property("quarkus.flyway.clean-disabled", "false").property("quarkus.flyway.clean-at-start", "true");
        }
        return new PackagedService(p, b.start());
    }

    RequestSpecification given() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    String log() throws IOException {
        return app.log();
    }

    /** SIGKILL: no clean shutdown. Returns the exit status. */
    int kill() throws InterruptedException {
        return app.kill();
    }

    @Override
    public void close() throws InterruptedException {
        app.kill();
    }
}
