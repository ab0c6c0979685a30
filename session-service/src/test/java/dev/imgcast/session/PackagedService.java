package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged session-service ({@code target/quarkus-app}) as its own process, on a free port,
 * against the local PostgreSQL (its own schema) and RabbitMQ (its own auto-deleted queue).
 */
final class PackagedService implements AutoCloseable {
    final int port;
    final Path log;
    private final Process process;

    private PackagedService(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts it and waits until it is ready. {@code clean}: an empty schema first.
     * {@code port} 0 picks a free one.
     */
    static PackagedService start(String name, int port, boolean clean, String enrollment, String admin)
            throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the service first (mvn verify does)");
        int p = port != 0 ? port : freePort();
        Path log = Files.createTempFile("session-service-" + name, ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + p,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_" + name,
                "-Dquarkus.flyway.schemas=imgcast_" + name,
                "-Dimgcast.enrollment-token=" + enrollment,
                "-Dimgcast.admin-password=" + admin,
                "-Dmp.messaging.incoming.transfer-events.queue.name=session-service-" + name + "-it.transfer",
                "-Dmp.messaging.incoming.transfer-events.queue.auto-delete=true"));
        if (clean) {
            cmd.add("-Dquarkus.flyway.clean-disabled=false");
            cmd.add("-Dquarkus.flyway.clean-at-start=true");
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedService service = new PackagedService(p, log, process);
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited: " + Files.readString(log));
            }
            try {
                if (service.given().get("/q/health/ready").statusCode() == 200) {
                    return service;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new AssertionError("the service did not become ready in 60 s: " + Files.readString(log));
    }

    RequestSpecification given() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no clean shutdown. Returns the exit status. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
