package dev.imgcast.session;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The real image-store, packaged (the build passes its path; the pom's dependency builds it first),
 * as its own process on a free port for every test of this module: the local PostgreSQL (its own
 * schema) and RabbitMQ (its own auto-deleted queue). A session started from the server is checked
 * against it, so the images the tests name are uploaded first: {@link #IMAGES}. Started once per test
 * JVM (a Quarkus restart for another profile finds it running) and stopped when the JVM exits.
 */
@QuarkusTestResource(ImageStore.class)
public class ImageStore implements QuarkusTestResourceLifecycleManager {
    static final String ADMIN_PASSWORD = "store-admin-secret";
    static final String READER_PASSWORD = "store-reader-secret";
    /** The stored images the tests start sessions with. */
    static final String[] IMAGES = {"lab-image-9", "x", "win11-lab-2026", "img-7", "lab-2026", "img-1", "img"};

    private static PackagedApp app;
    private static int port;

    @Override
    public synchronized Map<String, String> start() {
        try {
            startOnce();
        } catch (Exception e) {
            throw new IllegalStateException("the image-store for session-service's tests did not start: " + e, e);
        }
        return Map.of("imgcast.image-store.url", url(), "imgcast.image-store.password", READER_PASSWORD);
    }

    static String url() {
        return "http://127.0.0.1:" + port;
    }

    static AdminHttp admin() {
        return new AdminHttp(url(), ADMIN_PASSWORD);
    }

    private static synchronized void startOnce() throws Exception {
        if (app != null && app.isAlive()) {
            return;
        }
        port = Ports.free();
        Path dir = Files.createDirectories(Path.of("target/image-store-for-tests"));
        app = PackagedApp.app("image-store").jvm("-Xmx128m")
                .property("quarkus.http.host", "127.0.0.1").property("quarkus.http.port", port)
                .property("quarkus.datasource.jdbc.url",
                        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_images_for_session")
                .property("quarkus.flyway.schemas", "imgcast_images_for_session")
                .property("quarkus.flyway.clean-disabled", "false").property("quarkus.flyway.clean-at-start", "true")
                .property("imgcast.admin-password", ADMIN_PASSWORD).property("imgcast.reader-password", READER_PASSWORD)
                .property("imgcast.images.dir", dir.resolve("volume").toAbsolutePath())
                .property("mp.messaging.incoming.session-events.queue.name", "image-store-for-session-tests.session")
                .property("mp.messaging.incoming.session-events.queue.auto-delete", "true")
                .log(dir.resolve("image-store.log")).timeout(Duration.ofSeconds(60))
                .readyWhenHealthy(url() + "/q/health/ready").start();
        PackagedApp started = app;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Path file = dir.resolve("small.img");
        byte[] bytes = new byte[64 * 1024];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        Files.write(file, bytes);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        for (String id : IMAGES) {
            admin().upload(id, file, sha);
        }
    }

    @Override
    public void stop() {
        // kept for the next Quarkus start in this JVM; the shutdown hook stops it
    }
}
