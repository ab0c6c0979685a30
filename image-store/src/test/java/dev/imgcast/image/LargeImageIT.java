package dev.imgcast.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB image through the packaged service whose heap is capped at 48 MiB: upload and
 * download are streamed, never held in memory.
 */
class LargeImageIT {
    private static final int HEAP_MIB = 48;
    @TempDir
    Path work;
    private PackagedApp service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.kill();
        }
    }

    @Test
    void twoHundredFiftySixMebibytesThroughAFortyEightMebibyteHeap() throws Exception {
        Path image = work.resolve("big.img");
        String sha = write(image, 256);
        int port = Ports.free();
        Path log = work.resolve("image-store.log");
        String base = "http://127.0.0.1:" + port;
        service = PackagedApp.jar("image-store", Path.of("target/quarkus-app/quarkus-run.jar"))
                .jvm("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError")
                .properties("quarkus.http.host=127.0.0.1", "quarkus.http.port=" + port,
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_images_it",
                "quarkus.flyway.schemas=imgcast_images_it", "quarkus.flyway.clean-disabled=false",
                "quarkus.flyway.clean-at-start=true", "imgcast.admin-password=it-admin",
                "imgcast.reader-password=it-reader", "imgcast.images.dir=" + work.resolve("volume"),
                "mp.messaging.incoming.session-events.queue.name=image-store-it.session",
                "mp.messaging.incoming.session-events.queue.auto-delete=true")
                .log(log).readyWhenHealthy(base + "/q/health/ready").timeout(Duration.ofSeconds(60)).start();
        // HTTP/1.1: as an upgrade to h2c, the first request's body would be held in the server's memory
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString("admin:it-admin".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base + "/api/images/big/content"))
                .header("Authorization", auth).header("X-Imgcast-Sha256", sha)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(image)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body() + "\n" + Files.readString(log));
        assertTrue(up.body().contains("\"sha256\":\"" + sha + "\""), up.body());

        HttpResponse<InputStream> down = http.send(HttpRequest.newBuilder(URI.create(base + "/api/images/big/content"))
                .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, down.statusCode());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes;
        try (InputStream in = new DigestInputStream(down.body(), digest)) {
            bytes = in.transferTo(OutputStream.nullOutputStream());
        }
        assertEquals(256L << 20, bytes);
        assertEquals(sha, HexFormat.of().formatHex(digest.digest()));
        assertTrue(service.isAlive(), "the service died: " + Files.readString(log));
    }

    /** 256 MiB: every third MiB zero, the rest random; returns the SHA-256. */
    private static String write(Path file, int mib) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(9);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                if (i % 3 == 1) {
                    java.util.Arrays.fill(chunk, (byte) 0);
                } else {
                    random.nextBytes(chunk);
                }
                out.write(chunk);
                digest.update(chunk);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
