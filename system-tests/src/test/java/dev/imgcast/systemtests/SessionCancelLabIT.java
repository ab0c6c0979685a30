package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin cancels runs the embedded server sends, in the namespace lab with the real img
 * command: a device waiting for the start and two devices in the middle of a slow transfer (the
 * server sends at 5 Mbit/s) each stop within 5 s, print the registry's reason and exit with 8; the
 * server's sender aborts the transfer it was running. And a start with an image the store does not
 * have is refused before anything exists.
 */
class SessionCancelLabIT {
    private static final String ADMIN = "cancel-admin";
    private static final String TOKEN = "cancel-token";
    private static final String URL = "http://10.250.0.1:8080";

    @TempDir
    Path work;

    @Test
    void aCancelledRunStopsEveryDeviceAtOnceWithTheReason() throws Exception {
        Lab.requireLab();
        Path image = Images.mixed(work.resolve("golden.img"), 16, 91);
        String sha = Images.sha256(image);
        try (Lab lab = Lab.up("iclcan", 3, work)) {
            lab.server();
            try (PackagedApp server = Services.start("imaging-server", lab.namespace("s"),
                    work.resolve("server.log"), "imgcast.data-dir=" + work.resolve("data"),
                    "imgcast.sender.interface=eth0", "imgcast.sender.rate=5000000", "imgcast.admin-password=" + ADMIN,
                    "imgcast.enrollment-token=" + TOKEN, "imgcast.reader-password=cancel-reader")) {
                AdminHttp admin = new AdminHttp(URL, ADMIN);
                admin.upload("golden", image, sha);

                // an image the store does not have: refused at once, nothing created
                HttpResponse<String> unknown = admin.post("/api/sessions", new JsonObject().put("name", "can00")
                        .put("imageId", "nope").put("confirm", true).encode());
                assertEquals(404, unknown.statusCode(), unknown.body());
                assertTrue(unknown.body().contains("no image nope in the image store"), unknown.body());
                assertEquals(404, admin.get("/api/sessions/can00").statusCode());

                // a device waiting for the start
                created(admin, "can01", 3);
                Process waiting = device(lab, "r3", "pc3", "can01");
                Waits.until(60, () -> new JsonObject(admin.get("/api/sessions/can01").body()), s -> s.getInteger(
                        "registered") == 1, s -> "pc-3 did not register: " + s);
                lab.awaitLog("pc3", "waiting for 3 devices (1 registered)", 30);
                assertStopsWithin5s(lab, waiting, "pc3", cancel("can01", "lab closed"),
                        "img: run 1 of can01 was cancelled before this device's copy was done: cancelled by admin"
                                + " admin: lab closed");

                // two devices in the middle of a transfer (about 8 MiB at 5 Mbit/s: some 14 s)
                created(admin, "can02", 2);
                Process a = device(lab, "r1", "pc1", "can02");
                Process b = device(lab, "r2", "pc2", "can02");
                Waits.until(90, () -> new JsonObject(admin.get("/api/sessions/can02").body()), SessionCancelLabIT::transferring,
                        s -> "the devices are not transferring: " + s);
                long cancelled = cancel("can02", "wrong image");
                String reason = "img: run 1 of can02 was cancelled before this device's copy was done: cancelled by admin"
                        + " admin: wrong image";
                assertStopsWithin5s(lab, a, "pc1", cancelled, reason);
                assertStopsWithin5s(lab, b, "pc2", cancelled, reason);
                lab.awaitLog("server", "ended CANCELLED in session-service: cancelled by admin admin: wrong image;"
                        + " aborting its transfer", 10);
                JsonObject s = new JsonObject(admin.get("/api/sessions/can02").body());
                assertEquals("CANCELLED", s.getString("state"), s.encode());
            }
        }
    }

    private static void created(AdminHttp admin, String name, int clients) throws Exception {
        HttpResponse<String> r = admin.post("/api/sessions", new JsonObject().put("name", name).put("imageId", "golden")
                .put("clients", clients).put("confirm", true).encode());
        assertEquals(201, r.statusCode(), r.body());
    }

    private Process device(Lab lab, String host, String log, String name) throws Exception {
        String id = "pc-" + log.substring(2);
        return lab.img(host, log, "session", name, "--server", URL, "--token", TOKEN, "--disk",
                work.resolve(log + ".disk").toString(), "--interface", "eth0", "--device-id", id, "--hostname", id);
    }

    private static boolean transferring(JsonObject session) {
        return session.getJsonArray("participants").stream().map(o -> (JsonObject) o)
                .filter(p -> "TRANSFERRING".equals(p.getString("state")) && p.getLong("bytesDone", 0L) > 0).count() == 2;
    }

    /** The admin's DELETE with a reason; the time it was answered ({@code System.nanoTime}). */
    private static long cancel(String name, String reason) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(URL + "/api/sessions/"
                + name + "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8).replace("+", "%20")))
                .header("Authorization", AdminHttp.basic("admin", ADMIN)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return System.nanoTime();
    }

    private static void assertStopsWithin5s(Lab lab, Process device, String log, long since, String reason)
            throws Exception {
        int code = Lab.waitFor(device, 30);
        double took = (System.nanoTime() - since) / 1e9;
        String out = lab.log(log);
        assertEquals(8, code, out);
        assertTrue(took < 5, log + " took " + took + " s to stop:\n" + out);
        assertTrue(out.contains(reason), out);
    }
}
