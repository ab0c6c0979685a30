package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Ports;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions started from the server, distributed: session-service and image-store as processes
 * in the root namespace (they need PostgreSQL), multicast-sender as a process on the lab's
 * sender host (it must sit on the devices' segment; it reaches RabbitMQ through a TCP relay on
 * the server link), three {@code img session} agents on the receiver hosts.
 */
class DistributedLabIT {
    private static final String STORE_ADMIN = "store-admin";
    private static final String STORE_READER = "store-reader";

    @TempDir
    static Path work;
    static Path image;
    static String imageSha;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("lab-image.img"), 32, 21);
        imageSha = Images.sha256(image);
    }

    @Test
    void anImageFromTheStoreToThreeDevices() throws Exception {
        Path dir = Files.createDirectories(work.resolve("three"));
        try (Lab lab = Lab.up("iclds1", 3, dir)) {
            lab.server();
            try (TcpRelay relay = new TcpRelay("10.250.0.254", 5672, 5672);
                 SessionService registry = registry(dir);
                 Events events = new Events();
                 PackagedApp store = imageStore(dir);
                 PackagedApp sender = sender(lab, dir, "sender", 500_000_000L)) {
                upload("lab-2026", image, imageSha);
                // compressed once, at upload: the manifest's stored forms are what travels
                JsonObject stored = new JsonObject(new AdminHttp("http://10.250.0.254:" + storePort, STORE_ADMIN)
                        .get("/api/images/lab-2026").body());
                assertEquals(1, stored.getInteger("compression"), stored.encode());
                assertTrue(stored.getLong("wireBytes") < stored.getLong("size") * 3 / 4 - (8L << 20), stored.encode());
                HttpResponse<String> created = registry.post("/api/sessions", new JsonObject().put("name", "lab05")
                        .put("imageId", "lab-2026").put("clients", 3).put("confirm", true));
                assertEquals(201, created.statusCode(), created.body());
                long runId = new JsonObject(created.body()).getLong("runId");

                Process[] agents = new Process[3];
                for (int i = 1; i <= 3; i++) {
                    agents[i - 1] = lab.img("r" + i, "pc" + i, SessionLabIT.session(registry, "lab05",
                            dir.resolve("disk" + i), "pc-" + i));
                }
                for (int i = 1; i <= 3; i++) {
                    assertEquals(0, Lab.waitFor(agents[i - 1], 120), lab.log("pc" + i) + "\n" + sender.log());
                    assertEquals(imageSha, Images.sha256(dir.resolve("disk" + i)), "copy " + i);
                }
                JsonObject s = registry.awaitState("lab05", 1, "FINISHED", 30);
                // the sender fetched the packed form (the store's compressed blocks), not the raw image
                assertTrue(sender.log().contains("image lab-2026 fetched from image-store: " + stored.getLong("wireBytes")
                        + " stored bytes for " + stored.getLong("size") + " bytes of image"), sender.log());
                assertEquals("IMAGE", s.getString("sourceKind"));
                assertEquals("10.250.0.1", s.getString("senderAddress"), "transfer.started gave the sender's address");
                SessionLabIT.assertVerified(s, imageSha, "pc-1", "pc-2", "pc-3");

                events.await("session.started", runId);
                events.await("transfer.started", runId);
                assertEquals(3, events.count("transfer.result", runId));
                JsonObject finished = events.await("transfer.finished", runId);
                assertEquals("FINISHED", finished.getString("outcome"));
                assertEquals("3 of 3 verified", finished.getString("reason"));
                events.await("session.run-finished", runId);
            }
        }
    }

    @Test
    void aSenderKilledMidRunLeavesTheRunFailedNotStuck() throws Exception {
        Path dir = Files.createDirectories(work.resolve("killed"));
        try (Lab lab = Lab.up("iclds2", 2, dir)) {
            lab.server();
            try (TcpRelay relay = new TcpRelay("10.250.0.254", 5672, 5672);
                 SessionService registry = registry(dir);
                 Events events = new Events();
                 PackagedApp store = imageStore(dir)) {
                upload("slow-image", image, imageSha);
                long runId;
                // 20 Mbit/s: the 18 MiB of data take about 8 s, time enough to kill the sender
                try (PackagedApp sender = sender(lab, dir, "sender", 20_000_000L)) {
                    HttpResponse<String> created = registry.post("/api/sessions", new JsonObject()
                            .put("name", "lab06").put("imageId", "slow-image").put("clients", 2).put("confirm", true));
                    assertEquals(201, created.statusCode(), created.body());
                    runId = new JsonObject(created.body()).getLong("runId");
                    Process a = lab.img("r1", "pc1", SessionLabIT.session(registry, "lab06", dir.resolve("disk1"), "pc-1"));
                    Process b = lab.img("r2", "pc2", SessionLabIT.session(registry, "lab06", dir.resolve("disk2"), "pc-2"));
                    events.await("transfer.started", runId);
                    JsonObject progress = events.await("transfer.progress", runId);  // every 2 s while sending
                    assertTrue(progress.getLong("bytesTotal") > 0, progress.encode());
                    lab.awaitLog("pc1", "receiving", 60);
                    sender.kill();
                    assertNotEquals(0, Lab.waitFor(a, 90), lab.log("pc1"));
                    assertNotEquals(0, Lab.waitFor(b, 90), lab.log("pc2"));
                    assertTrue(lab.log("pc1").contains("reported FAILED to session-service"), lab.log("pc1"));
                }
                // a replacement replica takes the unacknowledged event and reports the run failed
                try (PackagedApp replacement = sender(lab, dir, "replacement", 500_000_000L)) {
                    JsonObject s = registry.awaitState("lab06", 1, "FAILED", 60);
                    assertTrue(s.getString("endReason").contains("0 of 2 verified"), s.getString("endReason"));
                    JsonObject finished = events.await("transfer.finished", runId);
                    assertEquals("FAILED", finished.getString("outcome"));
                    assertEquals("the multicast-sender sending this run stopped before the end",
                            finished.getString("reason"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- the services

    private static int storePort;

    /** session-service, checking images with the image store started next (a session is refused without one). */
    private static SessionService registry(Path dir) throws Exception {
        storePort = Ports.free();
        return SessionService.start(dir, "imgcast.image-store.url=http://10.250.0.254:" + storePort,
                "imgcast.image-store.password=" + STORE_READER);
    }

    private static PackagedApp imageStore(Path dir) throws Exception {
        return Services.start("image-store", null, dir.resolve("image-store.log"),
                "quarkus.http.host=10.250.0.254", "quarkus.http.port=" + storePort,
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=imgcast_images_e2e",
                "quarkus.flyway.schemas=imgcast_images_e2e", "quarkus.flyway.clean-disabled=false",
                "quarkus.flyway.clean-at-start=true", "imgcast.admin-password=" + STORE_ADMIN,
                "imgcast.reader-password=" + STORE_READER, "imgcast.images.dir=" + dir.resolve("volume"),
                "mp.messaging.incoming.session-events.queue.name=image-store-e2e.session",
                "mp.messaging.incoming.session-events.queue.auto-delete=true");
    }

    private static PackagedApp sender(Lab lab, Path dir, String name, long rate) throws Exception {
        return Services.start("multicast-sender", lab.namespace("s"), dir.resolve(name + ".log"),
                "quarkus.http.host=127.0.0.1", "imgcast.sender.interface=eth0", "imgcast.sender.rate=" + rate,
                "imgcast.image-store.url=http://10.250.0.254:" + storePort,
                "imgcast.image-store.password=" + STORE_READER, "rabbitmq-host=10.250.0.254",
                "imgcast.sender.cache-dir=" + dir.resolve(name + "-cache"),
                "mp.messaging.incoming.session-events.queue.name=multicast-sender-e2e.sessions");
    }

    private static void upload(String id, Path file, String sha) throws Exception {
        new AdminHttp("http://10.250.0.254:" + storePort, STORE_ADMIN).upload(id, file, sha);
    }

    /** What the broker carries on imgcast.session and imgcast.transfer, as a consumer sees it. */
    static final class Events implements AutoCloseable {
        private final Connection connection;
        private final List<JsonObject> seen = new CopyOnWriteArrayList<>();

        Events() throws Exception {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            connection = factory.newConnection("distributed-lab-it");
            Channel ch = connection.createChannel();
            // the senders' queue may hold session.started events of earlier tests: start empty
            ch.queueDeclare("multicast-sender-e2e.sessions", true, false, false, null);
            ch.queuePurge("multicast-sender-e2e.sessions");
            String queue = ch.queueDeclare("", false, true, true, null).getQueue();
            for (String exchange : List.of("imgcast.session", "imgcast.transfer")) {
                ch.exchangeDeclare(exchange, "topic", true);
                ch.queueBind(queue, exchange, "#");
            }
            ch.basicConsume(queue, true, (tag, d) -> seen.add(new JsonObject(new String(d.getBody(),
                    StandardCharsets.UTF_8))), tag -> { });
        }

        private static long runOf(JsonObject e) {
            return e.containsKey("runId") ? e.getLong("runId") : e.getJsonObject("session", new JsonObject())
                    .getLong("runId", -1L);
        }

        long count(String type, long runId) {
            return seen.stream().filter(e -> type.equals(e.getString("type")) && runOf(e) == runId).count();
        }

        JsonObject await(String type, long runId) throws Exception {
            return Waits.until(60, () -> seen.stream().filter(e -> type.equals(e.getString("type")) && runOf(e) == runId)
                    .findFirst().orElse(null), e -> e != null, none -> "no " + type + " for run " + runId
                    + " on the broker; saw " + seen.stream().map(e -> e.getString("type")).toList());
        }

        @Override
        public void close() throws Exception {
            // the senders' queue is durable (a killed sender's run must be redelivered); it
            // must not collect every later session.started of this machine
            try (Channel ch = connection.createChannel()) {
                ch.queueDelete("multicast-sender-e2e.sessions");
            }
            connection.close();
        }
    }
}
