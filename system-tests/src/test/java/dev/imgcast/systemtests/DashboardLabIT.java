package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.PackagedApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live dashboard in headless Chromium, on a real session: the embedded imaging server runs
 * in a lab host; the browser (in the same host) signs in, starts the session from the dashboard's
 * form, and two {@code img session} devices join. The test watches the page: each device's
 * progress appears and advances, with a rate, while the sender's stream is plotted; at the end
 * the run is FINISHED with both devices VERIFIED. Screenshots go to
 * {@code system-tests/target/dashboard-screens/}. The server's metrics are checked against the
 * same run.
 */
class DashboardLabIT {
    private static final String ADMIN = "dash-admin";
    private static final String TOKEN = "dash-token";
    private static final String URL = "http://10.250.0.1:8080";
    private static final Path SCREENS = Path.of("target/dashboard-screens");
    /** Rows of a session's device table, as the page shows them. */
    private static final String DEVICES = "return Array.from(document.querySelectorAll("
            + "'[data-session=\"dash01\"] tr[data-device]')).map(r => ({device: r.dataset.device, "
            + "state: r.dataset.state, percent: Number(r.dataset.percent), bytes: Number(r.dataset.bytesDone), "
            + "rate: r.querySelector('.rate').textContent}));";


    @TempDir
    Path work;

    @Test
    void aRunningSessionsProgressAppearsAndAdvances() throws Exception {
        Lab.requireLab();
        Path image = Images.mixed(work.resolve("golden.img"), 64, 77);
        String sha = Images.sha256(image);
        try (Lab lab = Lab.up("icldash", 2, work)) {
            lab.server();
            // 24 Mbit/s: the 36 MiB that travel take about 13 s, long enough to watch
            try (PackagedApp server = Services.start("imaging-server", lab.namespace("s"),
                    work.resolve("server.log"), "imgcast.data-dir=" + work.resolve("data"),
                    "imgcast.sender.interface=eth0", "imgcast.sender.rate=24000000",
                    "imgcast.admin-password=" + ADMIN, "imgcast.enrollment-token=" + TOKEN,
                    "imgcast.reader-password=dash-reader")) {
                AdminHttp admin = new AdminHttp(URL, ADMIN);
                admin.upload("golden", image, sha);
                try (Browser browser = Browser.start(lab, "s", "10.250.0.1", work.resolve("chromium"))) {
                    // the browser runs beside the server: it loads the page from the server's loopback
                    browser.open("http://127.0.0.1:8080/dashboard/");
                    // a wrong password is refused, in words
                    browser.type("#login-password", "not-the-password");
                    browser.click("#login-form button");
                    browser.await("the refusal shown", 10, "return document.getElementById('login-error')"
                            + ".textContent;", v -> String.valueOf(v).contains("refused"));
                    browser.type("#login-password", ADMIN);
                    browser.click("#login-form button");
                    browser.await("the dashboard shown after signing in", 10,
                            "return document.getElementById('main').hidden;", Boolean.FALSE::equals);

                    // start the session from the dashboard's form; without the confirmation the
                    // browser does not submit (required checkbox), so tick it
                    browser.type("#start-name", "dash01");
                    browser.type("#start-image", "golden");
                    browser.type("#start-clients", "2");
                    browser.click("#start-confirm");
                    browser.click("#start-form button");
                    browser.await("session dash01 opened from the form", 15,
                            "return document.getElementById('start-result').textContent;",
                            v -> String.valueOf(v).startsWith("session dash01 run 1 OPEN"));
                    browser.await("dash01 listed as OPEN", 10, "const s = document.querySelector("
                            + "'[data-session=\"dash01\"]'); return s && s.dataset.state;", "OPEN"::equals);

                    String[] common = {"--server", URL, "--token", TOKEN, "--interface", "eth0"};
                    Process pc1 = lab.img("r1", "pc1", Lab.concat(new String[] {"session", "dash01", "--disk",
                        work.resolve("pc1.img").toString(), "--hostname", "pc-1", "--device-id", "pc-1"}, common));
                    Process pc2 = lab.img("r2", "pc2", Lab.concat(new String[] {"session", "dash01", "--disk",
                        work.resolve("pc2.img").toString(), "--hostname", "pc-2", "--device-id", "pc-2"}, common));

                    // progress appears: a device between 0 and 100 %, with a measured rate
                    JsonObject before = transferring(browser.await("a device's progress on the page", 60, DEVICES,
                            v -> transferring(v) != null));
                    browser.screenshot(SCREENS.resolve("dashboard-transferring.png"));
                    // ... and advances, while the throughput plot gains points
                    int pointsBefore = points(browser);
                    Object later = browser.await("device " + before.getString("device") + " advancing past "
                            + before.getDouble("percent") + " %", 30, DEVICES, v -> {
                                JsonObject d = device(v, before.getString("device"));
                                return d != null && d.getDouble("percent") > before.getDouble("percent");
                            });
                    JsonObject after = device(later, before.getString("device"));
                    assertTrue(after.getLong("bytes") > before.getLong("bytes"), after.encode());
                    assertTrue(after.getString("rate").matches("\\d+\\.\\d MB/s"), "a device rate: " + after);
                    browser.await("more throughput points for the running run", 20,
                            "return Number(document.getElementById('plot').dataset.points || 0);",
                            v -> ((Number) v).intValue() > pointsBefore);
                    browser.screenshot(SCREENS.resolve("dashboard-advancing.png"));

                    assertEquals(0, Lab.waitFor(pc1, 120), lab.log("pc1"));
                    assertEquals(0, Lab.waitFor(pc2, 120), lab.log("pc2"));
                    assertEquals(sha, Images.sha256(work.resolve("pc1.img")));
                    assertEquals(sha, Images.sha256(work.resolve("pc2.img")));

                    // the ended run: in the recent runs, FINISHED, and still plotted
                    browser.await("dash01 run 1 FINISHED among the recent runs", 30, "const r = Array.from("
                            + "document.querySelectorAll('#recent tbody tr')).find(tr => tr.cells[0].textContent"
                            + " === 'dash01'); return r ? r.cells[2].textContent + ' ' + r.cells[5].textContent : '';",
                            v -> String.valueOf(v).startsWith("FINISHED 2 of 2 verified"));
                    String title = String.valueOf(browser.await("the plot of the finished run", 15,
                            "return document.getElementById('plot-title').textContent;",
                            v -> String.valueOf(v).contains("FINISHED")));
                    assertTrue(title.startsWith("dash01 run 1"), title);
                    assertTrue(points(browser) >= 4, "throughput points of a ~13 s run: " + points(browser));
                    browser.screenshot(SCREENS.resolve("dashboard-finished.png"));
                    assertTrue(Files.size(SCREENS.resolve("dashboard-finished.png")) > 10_000);
                }

                // the same run in the metrics
                String metrics = admin.get("/q/metrics").body();
                assertEquals(2.0, metric(metrics, "imgcast_session_registrations_total{result=\"REGISTERED\"}"));
                assertEquals(2.0, metric(metrics, "imgcast_session_receivers_total{outcome=\"VERIFIED\"}"));
                assertEquals(0.0, metric(metrics, "imgcast_session_receivers_total{outcome=\"DROPPED\"}"));
                assertEquals(2.0, metric(metrics, "imgcast_sender_receivers_total{outcome=\"VERIFIED\"}"));
                // at least one pass over what travels: the stored (compressed or raw) forms of the non-zero blocks
                long wire = new JsonObject(admin.get("/api/images/golden").body()).getLong("wireBytes");
                assertTrue(wire > 0 && wire < 36L << 20, "compressed at upload: " + wire);
                double payload = metric(metrics, "imgcast_sender_payload_bytes_total");
                assertTrue(payload >= wire, "block bytes sent: " + payload + ", one pass is " + wire);
                assertTrue(metric(metrics, "imgcast_sender_packets_total{kind=\"first\"}") > 0);
                assertEquals(1.0, metric(metrics, "imgcast_sender_transfers_total{outcome=\"FINISHED\"}"));
                assertEquals(1.0, metric(metrics, "imgcast_session_runs_ended_total{state=\"FINISHED\"}"));
            }
        }
    }

    /** A device in the middle of its transfer, if the page shows one. */
    private static JsonObject transferring(Object rows) {
        for (Object o : (JsonArray) rows) {
            JsonObject d = (JsonObject) o;
            if ("TRANSFERRING".equals(d.getString("state")) && d.getDouble("percent") > 0
                    && d.getDouble("percent") < 60) {
                return d;
            }
        }
        return null;
    }

    private static JsonObject device(Object rows, String id) {
        for (Object o : (JsonArray) rows) {
            JsonObject d = (JsonObject) o;
            if (id.equals(d.getString("device"))) {
                return d;
            }
        }
        return null;
    }

    private static int points(Browser browser) throws Exception {
        return ((Number) browser.script("return Number(document.getElementById('plot').dataset.points || 0);"))
                .intValue();
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " not in the metrics:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
