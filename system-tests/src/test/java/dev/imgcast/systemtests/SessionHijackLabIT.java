package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.LabHijacker;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session the server sends (the embedded imaging server on the lab's sender host), with two
 * hostile programs on host x: {@link LabHijacker} re-multicasting the server's announcements and
 * relaying what it is sent, and a rogue sender with the run's own key (x registered as a device
 * of the run, which is how anyone gets the key) sending another image. The devices wait until
 * session-service names the sender (a run the server sends is named a moment after it started),
 * take the image from that address only, and verify the server's image.
 */
class SessionHijackLabIT {
    private static final String ADMIN = "hijack-admin";
    private static final String TOKEN = "hijack-token";
    private static final String SERVER = "10.250.0.1";
    private static final String HOSTILE = "10.250.0.200";

    @TempDir
    Path work;

    @Test
    void devicesTakeTheImageFromTheSenderTheRegistryNamesOnly() throws Exception {
        Lab.requireLab();
        Path image = Images.mixed(work.resolve("golden.img"), 8, 71);
        String sha = Images.sha256(image);
        Path evil = Images.mixed(work.resolve("evil.img"), 8, 72);
        try (Lab lab = Lab.up("iclhij", 2, work)) {
            lab.server();  // the test talks to the server over the lab's TCP-only link
            try (PackagedApp server = Services.start("imaging-server", lab.namespace("s"),
                    work.resolve("server.log"), "imgcast.data-dir=" + work.resolve("data"),
                    "imgcast.sender.interface=eth0", "imgcast.sender.join-wait=8s", "imgcast.admin-password=" + ADMIN,
                    "imgcast.enrollment-token=" + TOKEN, "imgcast.reader-password=hijack-reader")) {
                String url = "http://" + SERVER + ":8080";
                AdminHttp admin = new AdminHttp(url, ADMIN);
                admin.upload("golden", image, sha);
                HttpResponse<String> created = admin.post("/api/sessions", new JsonObject().put("name", "hij01")
                        .put("imageId", "golden").put("clients", 3).put("confirm", true).encode());
                assertEquals(201, created.statusCode(), created.body());

                // x registers as a device: it now holds the run's key, group and port
                JsonObject rogue = register(url, "hij01", new JsonObject().put("deviceId", "rogue")
                        .put("hostname", "rogue").put("address", HOSTILE).put("role", "client"));
                Path key = Files.writeString(work.resolve("run.key"), rogue.getString("key"));
                String group = rogue.getString("group");
                String port = Integer.toString(rogue.getInteger("port"));
                // four in five of the server's announcements are lost on the way (an ANNOUNCE is the one
                // 160-byte datagram), the rogue's are not: a device that took whoever announces with the
                // key would take the rogue five times in six. The rogue's registration never joins, so
                // the server starts 8 s after the last device joined: time for a device to hear it.
                assertEquals(0, Lab.waitFor(lab.run("br", "nft", "nft", "add table bridge hij; add chain bridge hij thin"
                        + " { type filter hook forward priority 0; policy accept; }; add rule bridge hij thin iifname \"vs\""
                        + " ip length 160 udp dport " + port + " numgen random mod 5 != 0 drop"), 30), lab.log("nft"));
                Process hijacker = lab.hostile("x", "x", "hijack", group, port, SERVER, "180", "1000");
                Process rogueSender = lab.img("x", "rogue", "send", evil.toString(), "--interface", "eth0", "--group",
                        group, "--port", port, "--key-file", key.toString(), "--receivers", "2", "--timeout", "120");
                lab.awaitLog("rogue", "waiting for receivers", 60);

                Process[] devices = new Process[2];
                for (int i = 1; i <= 2; i++) {
                    devices[i - 1] = lab.img("r" + i, "pc" + i, "session", "hij01", "--server", url, "--token", TOKEN,
                            "--disk", work.resolve("disk" + i).toString(), "--interface", "eth0", "--device-id",
                            "pc-" + i, "--hostname", "pc-" + i);
                }
                for (int i = 1; i <= 2; i++) {
                    assertEquals(0, Lab.waitFor(devices[i - 1], 120), lab.log("pc" + i) + server.log());
                    String log = lab.log("pc" + i);
                    assertEquals(sha, Images.sha256(work.resolve("disk" + i)), "pc-" + i + " holds the server's image");
                    assertTrue(log.contains("sender of run 1: " + SERVER + " (named by session-service)"), log);
                    assertTrue(log.contains("sender " + SERVER + " announces"), log);
                    assertFalse(log.contains("sender " + HOSTILE + " announces"), log);
                    assertTrue(log.contains("ignoring announcements from " + HOSTILE), "x was heard: " + log);
                    assertTrue(log.contains("reported VERIFIED to session-service"), log);
                }
                assertFalse(lab.log("rogue").contains("registered ("), "nobody joined the rogue: " + lab.log("rogue"));
                JsonObject session = Waits.until(30, () -> new JsonObject(admin.get("/api/sessions/hij01").body()),
                        s -> verified(s, "pc-1", sha) && verified(s, "pc-2", sha), s -> "devices not VERIFIED: " + s);
                assertEquals(SERVER, session.getString("senderAddress"));
                assertFalse(server.log().contains("refused a JOIN relayed by"), "no device took x for the sender");
                hijacker.destroyForcibly();
                rogueSender.destroyForcibly();
            }
        }
    }

    private static boolean verified(JsonObject session, String host, String sha) {
        return session.getJsonArray("participants").stream().map(o -> (JsonObject) o)
                .anyMatch(p -> host.equals(p.getString("hostname")) && "VERIFIED".equals(p.getString("state"))
                        && sha.equals(p.getString("sha256")));
    }

    /** A device's registration, as registry-client sends it; the answer is the device's view. */
    private static JsonObject register(String url, String session, JsonObject device) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/api/sessions/" + session + "/registrations")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Imgcast-Enrollment-Token", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(device.encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, r.statusCode() / 100, r.body());
        JsonObject view = new JsonObject(r.body());
        assertTrue(view.getString("key") != null, "a registered device holds the run's key: " + view);
        return view;
    }
}
