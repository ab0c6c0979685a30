package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image the master and lay it down in one operation: a master device session with capture on
 * (the embedded imaging server's image store joins it as one more device) ends with a device's
 * copy and a stored image, both equal to the master's disk.
 */
class CaptureLabIT {
    private static final String ADMIN = "capture-admin";
    private static final String TOKEN = "capture-token";

    @TempDir
    Path work;

    @Test
    void theMastersDiskBecomesAStoredImage() throws Exception {
        Lab.requireLab();
        Path disk = Images.mixed(work.resolve("master-disk.img"), 24, 31);
        String sha = Images.sha256(disk);
        try (Lab lab = Lab.up("iclcap", 2, work)) {
            lab.server();  // the test talks to the server over the lab's TCP-only link
            try (ServiceProcess server = ServiceProcess.start("imaging-server", lab.namespace("s"),
                    work.resolve("server.log"), "-Dimgcast.data-dir=" + work.resolve("data"),
                    "-Dimgcast.sender.interface=eth0", "-Dimgcast.capture.interface=eth0",
                    "-Dimgcast.admin-password=" + ADMIN, "-Dimgcast.enrollment-token=" + TOKEN,
                    "-Dimgcast.reader-password=capture-reader")) {
                String url = "http://10.250.0.1:8080";
                String[] common = {"--server", url, "--token", TOKEN, "--interface", "eth0"};
                AdminHttp admin = new AdminHttp(url, ADMIN);
                Process master = lab.img("r1", "master", Lab.concat(new String[] {"session", "cap01", "master",
                    "clients=2", "--disk", disk.toString(), "--hostname", "master-pc", "--device-id", "master-pc"},
                        common));
                lab.awaitLog("master", "registered", 60);
                // capture on: the image store joins as one more device
                HttpResponse<String> capture = admin.post("/api/images/golden-2026/capture",
                        new JsonObject().put("session", "cap01"));
                assertEquals(202, capture.statusCode(), capture.body());
                assertEquals("REGISTERED", new JsonObject(capture.body()).getString("state"));
                // a capture of the same image id again is refused
                assertEquals(409, admin.post("/api/images/golden-2026/capture",
                        new JsonObject().put("session", "cap01")).statusCode());
                Process device = lab.img("r2", "pc1", Lab.concat(new String[] {"session", "cap01", "--disk",
                    work.resolve("copy.img").toString(), "--hostname", "pc-1", "--device-id", "pc-1"}, common));

                assertEquals(0, Lab.waitFor(device, 120), lab.log("pc1"));
                assertEquals(0, Lab.waitFor(master, 120), lab.log("master") + server.log());
                assertEquals(sha, Images.sha256(work.resolve("copy.img")));
                assertTrue(lab.log("master").contains("FINISHED (2 of 2 verified)"), lab.log("master"));
                JsonObject image = null;
                for (int i = 0; i < 100 && image == null; i++) {
                    HttpResponse<String> r = admin.get("/api/images/golden-2026");
                    if (r.statusCode() == 200) {
                        image = new JsonObject(r.body());
                    } else {
                        Thread.sleep(100);
                    }
                }
                assertNotNull(image, "no stored image golden-2026: " + server.log());
                assertEquals(sha, image.getString("sha256"), "the stored image is the master's disk");
                assertEquals(Files.size(disk), image.getLong("size"));
            }
        }
    }
}
