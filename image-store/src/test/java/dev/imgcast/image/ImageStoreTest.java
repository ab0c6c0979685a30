package dev.imgcast.image;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.imgcast.events.EncodedEvent;
import dev.imgcast.events.Envelope;
import dev.imgcast.events.Event;
import dev.imgcast.events.EventCodec;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionOpened;
import dev.imgcast.events.SessionRunFinished;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.testsupport.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** image-store over HTTP, on the real PostgreSQL and RabbitMQ. */
@QuarkusTest
class ImageStoreTest {
    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "test-admin-secret");
    }

    static RequestSpecification reader() {
        return given().auth().preemptive().basic("sender", "test-reader-secret");
    }

    /** An image with runs of zeros and random data, like a real disk. */
    static byte[] image(int mib, long seed) {
        byte[] data = new byte[mib << 20];
        Random random = new Random(seed);
        for (int block = 0; block < mib; block++) {
            if (block % 3 != 1) {
                byte[] chunk = new byte[1 << 20];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, data, block << 20, chunk.length);
            }
        }
        return data;
    }

    static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    static Response upload(String id, byte[] data, String declaredSha) {
        return admin().header("X-Imgcast-Sha256", declaredSha).contentType("application/octet-stream").body(data)
                .put("/api/images/{id}/content", id);
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void uploadDownloadAndRanges() throws Exception {
        byte[] data = image(6, 1);
        String sha = sha(data);
        String id = id("win11");
        upload(id, data, sha).then().statusCode(201).body("sha256", equalTo(sha)).body("size", equalTo(6 << 20))
                .body("blockCount", equalTo(6)).body("zeroBlocks", equalTo(2)).body("blockSize", equalTo(1 << 20));
        admin().get("/api/images/{id}", id).then().statusCode(200).body("sha256", equalTo(sha));
        admin().get("/api/images").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id));

        byte[] back = reader().get("/api/images/{id}/content", id).then().statusCode(200)
                .header("Accept-Ranges", "bytes").header("X-Imgcast-Sha256", sha).extract().asByteArray();
        assertArrayEquals(data, back);
        byte[] part = reader().header("Range", "bytes=1048570-1048589").get("/api/images/{id}/content", id).then()
                .statusCode(206).header("Content-Range", "bytes 1048570-1048589/" + data.length).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(data, 1048570, 1048590), part);
        byte[] tail = reader().header("Range", "bytes=-100").get("/api/images/{id}/content", id).then().statusCode(206)
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 100, data.length), tail);
        byte[] from = reader().header("Range", "bytes=" + (data.length - 7) + "-").get("/api/images/{id}/content", id)
                .then().statusCode(206).extract().asByteArray();
        assertEquals(7, from.length);
        reader().header("Range", "bytes=" + data.length + "-").get("/api/images/{id}/content", id).then()
                .statusCode(416).header("Content-Range", "bytes */" + data.length);
        reader().header("Range", "bytes=5-2,7-9").get("/api/images/{id}/content", id).then().statusCode(416);
        // positions past 2^63: an answer (not a hung connection), read as "beyond the image"
        RestAssuredConfig bounded = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 10_000));
        reader().config(bounded).header("Range", "bytes=99999999999999999999-").get("/api/images/{id}/content", id).then()
                .statusCode(416).header("Content-Range", "bytes */" + data.length)
                .body("message", containsString("unsatisfiable range"));
        reader().config(bounded).header("Range", "bytes=7-99999999999999999999").get("/api/images/{id}/content", id)
                .then().statusCode(206).header("Content-Range", "bytes 7-" + (data.length - 1) + "/" + data.length);
        reader().config(bounded).header("Range", "bytes=-99999999999999999999").get("/api/images/{id}/content", id)
                .then().statusCode(206).header("Content-Range", "bytes 0-" + (data.length - 1) + "/" + data.length);

        Manifest manifest = Manifest.parse(reader().get("/api/images/{id}/manifest", id).then().statusCode(200)
                .extract().asByteArray());
        assertEquals(sha, manifest.sha256Hex());
        assertTrue(manifest.isZero(1) && manifest.isZero(4) && !manifest.isZero(0));
        assertEquals(data.length, manifest.imageSize());
    }

    @Test
    void aChecksumMismatchStoresNothing() throws Exception {
        byte[] data = image(3, 2);
        String id = id("bad-sha");
        upload(id, data, "00".repeat(32)).then().statusCode(422)
                .body("message", containsString("SHA-256 mismatch")).body("message", containsString("nothing was stored"));
        admin().get("/api/images/{id}", id).then().statusCode(404);
        assertNoFiles(id);
        // the same id can be uploaded again, correctly
        upload(id, data, sha(data)).then().statusCode(201);
    }

    @Test
    void badRequests() throws Exception {
        byte[] data = image(1, 3);
        admin().contentType("application/octet-stream").body(data).put("/api/images/{id}/content", id("nosha"))
                .then().statusCode(400).body("message", containsString("X-Imgcast-Sha256"));
        upload("bad id!", data, sha(data)).then().statusCode(400).body("message", containsString("invalid image id"));
        admin().header("X-Imgcast-Sha256", sha(data)).contentType("application/octet-stream").body(data)
                .queryParam("blockSize", 1000).put("/api/images/{id}/content", id("blk")).then().statusCode(400)
                .body("message", containsString("power of two"));
        upload(id("empty"), new byte[0], sha(new byte[0])).then().statusCode(400).body("message", containsString("empty"));
        admin().get("/api/images/{id}", "never-was").then().statusCode(404).body("message", equalTo("no image never-was"));
        reader().get("/api/images/{id}/content", "never-was").then().statusCode(404);
        // credentials: nobody, a reader uploading or deleting, a wrong password
        given().get("/api/images").then().statusCode(401);
        given().auth().preemptive().basic("admin", "wrong").get("/api/images").then().statusCode(401);
        reader().header("X-Imgcast-Sha256", sha(data)).contentType("application/octet-stream").body(data)
                .put("/api/images/{id}/content", id("reader")).then().statusCode(403);
        String id = id("keep");
        upload(id, data, sha(data)).then().statusCode(201);
        upload(id, data, sha(data)).then().statusCode(409).body("message", containsString("exists"));
        reader().delete("/api/images/{id}", id).then().statusCode(403);
    }

    @Test
    void concurrentUploadsOfOneIdStoreOne() throws Exception {
        byte[] data = image(8, 4);
        String sha = sha(data);
        String id = id("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return upload(id, data, sha).statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : results) {
                codes.add(f.get());
            }
            assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
            assertEquals(3, codes.stream().filter(c -> c == 409).count(), codes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(data, reader().get("/api/images/{id}/content", id).then().statusCode(200).extract()
                .asByteArray());
        try (var files = Files.list(Path.of("target/test-images/.incoming"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(id + ".")), "no part files left");
        }
    }

    @Test
    void anImageInUseIsNotDeleted() throws Exception {
        byte[] data = image(2, 5);
        String id = id("in-use");
        upload(id, data, sha(data)).then().statusCode(201);
        long runId = System.nanoTime();
        SessionInfo session = new SessionInfo(runId, "lab7", 1, "OPEN", "239.192.7.7", 9100, SessionInfo.SourceKind.IMAGE,
                id, null, null, null, null, null, null);
        publish(new SessionOpened(Envelope.now(), session));
        awaitInUse(id, true);
        admin().delete("/api/images/{id}", id).then().statusCode(409)
                .body("message", equalTo("image " + id + " is in use by session lab7 (run " + runId
                        + "); cancel or finish the session first"));
        SessionInfo finished = new SessionInfo(runId, "lab7", 1, "FINISHED", "239.192.7.7", 9100,
                SessionInfo.SourceKind.IMAGE, id, null, null, null, null, "cancelled", null);
        publish(new SessionRunFinished(Envelope.now(), finished, 0, List.of(), 0));
        awaitInUse(id, false);
        admin().delete("/api/images/{id}", id).then().statusCode(204);
        admin().get("/api/images/{id}", id).then().statusCode(404);
        assertNoFiles(id);
    }

    private static void awaitInUse(String id, boolean inUse) throws Exception {
        Waits.until(15, () -> admin().get("/api/images/{id}", id).then().statusCode(200).extract().jsonPath()
                .<String>getList("inUseBy"), users -> (users != null && !users.isEmpty()) == inUse,
                users -> "image " + id + " never became " + (inUse ? "used" : "free") + ": in use by " + users);
    }

    private static void publish(Event event) throws Exception {
        EncodedEvent encoded = EventCodec.encode(event);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection c = factory.newConnection("image-store-test"); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("imgcast.session", "topic", true);
            ch.basicPublish("imgcast.session", encoded.type().routingKey(), new AMQP.BasicProperties.Builder()
                    .contentType("application/json").build(), encoded.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void assertNoFiles(String id) throws IOException {
        assertTrue(Files.notExists(Path.of("target/test-images", id + ".img")), "image file left");
        assertTrue(Files.notExists(Path.of("target/test-images", id + ".blocks")), "packed file left");
        try (var files = Files.list(Path.of("target/test-images/.incoming"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(id + ".")), "part file left");
        }
    }

}
