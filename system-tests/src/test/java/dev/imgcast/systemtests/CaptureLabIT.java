package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.LoopDisk;
import dev.imgcast.testsupport.PackagedApp;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image the master and lay it down in one operation: a master device session with capture on
 * (the embedded imaging server's image store joins it as one more device) ends with a device's
 * copy and a stored image, both equal to the master's disk. The master's disk is a real block
 * device (a loop device holding the image).
 */
class CaptureLabIT {
    private static final String ADMIN = "capture-admin";
    private static final String TOKEN = "capture-token";

    @TempDir
    Path work;

    @Test
    void theMastersDiskBecomesAStoredImage() throws Exception {
        Lab.requireLab();
        Path content = Images.mixed(work.resolve("master-disk.img"), 24, 31);
        try (LoopDisk loop = LoopDisk.attach(work.resolve("master.raw"), 25);
                Lab lab = Lab.up("iclcap", 2, work)) {
            Lab.exec("dd", "if=" + content, "of=" + loop.device(), "bs=1M", "oflag=direct", "conv=notrunc", "status=none");
            Path disk = Path.of(loop.device());
            long size = 25L << 20;
            String sha = loop.sha256OnDevice(size);
            lab.server();  // the test talks to the server over the lab's TCP-only link
            try (PackagedApp server = Services.start("imaging-server", lab.namespace("s"),
                    work.resolve("server.log"), "imgcast.data-dir=" + work.resolve("data"),
                    "imgcast.sender.interface=eth0", "imgcast.capture.interface=eth0",
                    "imgcast.admin-password=" + ADMIN, "imgcast.enrollment-token=" + TOKEN,
                    "imgcast.reader-password=capture-reader")) {
                String url = "http://10.250.0.1:8080";
                String[] common = {"--server", url, "--token", TOKEN, "--interface", "eth0"};
                AdminHttp admin = new AdminHttp(url, ADMIN);
                Process master = lab.img("r1", "master", Lab.concat(new String[] {"session", "cap01", "master",
                    "clients=2", "--disk", disk.toString(), "--hostname", "master-pc", "--device-id", "master-pc"},
                        common));
                lab.awaitLog("master", "registered", 60);
                // capture on: the image store joins as one more device
                HttpResponse<String> capture = admin.post("/api/images/golden-2026/capture",
                        new JsonObject().put("session", "cap01").encode());
                assertEquals(202, capture.statusCode(), capture.body());
                assertEquals("REGISTERED", new JsonObject(capture.body()).getString("state"));
                // a capture of the same image id again is refused
                assertEquals(409, admin.post("/api/images/golden-2026/capture",
                        new JsonObject().put("session", "cap01").encode()).statusCode());
                Process device = lab.img("r2", "pc1", Lab.concat(new String[] {"session", "cap01", "--disk",
                    work.resolve("copy.img").toString(), "--hostname", "pc-1", "--device-id", "pc-1"}, common));

                assertEquals(0, Lab.waitFor(device, 120), lab.log("pc1"));
                assertEquals(0, Lab.waitFor(master, 120), lab.log("master") + server.log());
                assertEquals(sha, Images.sha256(work.resolve("copy.img")));
                assertTrue(lab.log("master").contains("FINISHED (2 of 2 verified)"), lab.log("master"));
                HttpResponse<String> stored = Waits.until(10, () -> admin.get("/api/images/golden-2026"),
                        r -> r.statusCode() == 200, r -> "no stored image golden-2026: " + server.log());
                JsonObject image = new JsonObject(stored.body());
                assertEquals(sha, image.getString("sha256"), "the stored image is the master's disk");
                assertEquals(size, image.getLong("size"));
            }
        }
    }
}
