package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code img session} end to end: the real session-service jar (real PostgreSQL and RabbitMQ)
 * and the real img launcher on several hosts of the namespace lab.
 */
class SessionLabIT {
    private static final Pattern COUNTDOWN = Pattern.compile("starts in (0:[0-9]{2})");
    @TempDir
    static Path work;
    static Path image;
    static String imageSha;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("master-disk.img"), 32, 11);
        imageSha = Images.sha256(image);
    }

    static String[] session(SessionService svc, String name, Path disk, String host, String... words) {
        List<String> args = new ArrayList<>(List.of("session", name));
        args.addAll(List.of(words));
        args.addAll(List.of("--server", svc.url(), "--token", SessionService.TOKEN, "--disk", disk.toString(),
                "--interface", "eth0", "--device-id", host, "--hostname", host));
        return args.toArray(String[]::new);
    }

    static void assertVerified(JsonObject session, String sha, String... hosts) {
        JsonArray participants = session.getJsonArray("participants");
        for (String host : hosts) {
            JsonObject p = participants.stream().map(o -> (JsonObject) o)
                    .filter(o -> host.equals(o.getString("hostname"))).findFirst()
                    .orElseThrow(() -> new AssertionError(host + " not in " + session));
            assertEquals("VERIFIED", p.getString("state"), host + ": " + p);
            assertEquals(sha, p.getString("sha256"), host);
        }
    }

    /** One master with clients=3 and three plain devices: three verified copies, all in the registry. */
    @Test
    void masterClientsThreeAndThreeDevices() throws Exception {
        Path dir = Files.createDirectories(work.resolve("three"));
        try (Lab lab = Lab.up("iclse1", 3, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                Process master = lab.img("s", "master", session(svc, "mcast01", image, "master-pc", "master", "clients=3"));
                Process[] clients = new Process[3];
                for (int i = 1; i <= 3; i++) {
                    clients[i - 1] = lab.img("r" + i, "pc" + i, session(svc, "mcast01", dir.resolve("disk" + i),
                            "pc-" + i));
                }
                for (int i = 1; i <= 3; i++) {
                    assertEquals(0, Lab.waitFor(clients[i - 1], 120), lab.log("pc" + i));
                    assertEquals(imageSha, Images.sha256(dir.resolve("disk" + i)), "copy " + i);
                    assertTrue(lab.log("pc" + i).contains("reported VERIFIED to session-service"), lab.log("pc" + i));
                }
                assertEquals(0, Lab.waitFor(master, 120), lab.log("master"));
                assertTrue(lab.log("master").contains("session mcast01 run 1: FINISHED (3 of 3 verified)"),
                        lab.log("master"));
                JsonObject s = svc.awaitState("mcast01", 1, "FINISHED", 30);
                assertEquals("clients=3 reached (3 registered)", s.getString("startReason"));
                assertVerified(s, imageSha, "pc-1", "pc-2", "pc-3", "master-pc");
                // the devices that came before the third saw the session waiting
                assertTrue(lab.log("pc1").contains("session mcast01 run 1 OPEN") || lab.log("pc2").contains(
                        "session mcast01 run 1 OPEN") || lab.log("pc3").contains("session mcast01 run 1 OPEN"));
            }
        }
    }

    /**
     * time= ends the registration early (2 of clients=5), and a device that comes after the start
     * is queued and served by the next run, whose master is a device queued as master.
     */
    @Test
    void timeStartsEarlyAndALateDeviceIsServedByTheNextRun() throws Exception {
        Path dir = Files.createDirectories(work.resolve("time"));
        Path image2 = Images.mixed(dir.resolve("second-master.img"), 8, 12);
        String image2Sha = Images.sha256(image2);
        try (Lab lab = Lab.up("iclse2", 3, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                // a slow first run (60 Mbit/s) leaves time to come late
                Process master = lab.img("s", "master", session(svc, "mcast02", image, "master-pc", "master",
                        "clients=5", "time=0.05", "--rate", "60m"));
                Process c1 = lab.img("r1", "pc1", session(svc, "mcast02", dir.resolve("disk1"), "pc-1"));
                Process c2 = lab.img("r2", "pc2", session(svc, "mcast02", dir.resolve("disk2"), "pc-2"));
                svc.awaitState("mcast02", 1, "STARTED", 60);
                JsonObject run1 = svc.session("mcast02");
                assertEquals("time=0.05 passed without a new registration (2 of 5 registered)",
                        run1.getString("startReason"));
                Process late = lab.img("r3", "late", session(svc, "mcast02", dir.resolve("disk3"), "pc-late"));
                Process nextMaster = lab.img("x", "next-master", session(svc, "mcast02", image2, "next-master",
                        "m", "clients=1"));
                lab.awaitLog("late", "queued for the next run", 30);
                lab.awaitLog("next-master", "queued for the next run", 30);

                assertEquals(0, Lab.waitFor(c1, 120), lab.log("pc1"));
                assertEquals(0, Lab.waitFor(c2, 120), lab.log("pc2"));
                assertEquals(0, Lab.waitFor(master, 120), lab.log("master"));
                assertEquals(imageSha, Images.sha256(dir.resolve("disk1")));
                assertEquals(imageSha, Images.sha256(dir.resolve("disk2")));

                assertEquals(0, Lab.waitFor(late, 120), lab.log("late"));
                assertEquals(0, Lab.waitFor(nextMaster, 120), lab.log("next-master"));
                assertEquals(image2Sha, Images.sha256(dir.resolve("disk3")), "the late device got run 2's image");
                // plain lines: times as local times, each state once
                assertFalse(Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}").matcher(lab.log("late")).find(),
                        "a raw instant on the queued device:\n" + lab.log("late"));
                assertTrue(lab.log("late").contains(" local ("), lab.log("late"));
                assertEquals(1, lab.log("master").split("session mcast02 run 1 STARTED:", -1).length - 1, lab.log("master"));
                JsonObject run2 = svc.awaitState("mcast02", 2, "FINISHED", 30);
                assertEquals("clients=1 reached (1 registered)", run2.getString("startReason"));
                assertVerified(run2, image2Sha, "pc-late");
                JsonArray runs = svc.runs("mcast02");
                assertEquals("FINISHED", runs.getJsonObject(1).getString("state"));
                assertVerified(runs.getJsonObject(1), imageSha, "pc-1", "pc-2");
            }
        }
    }

    /**
     * session-service is killed while a master and a device wait, and started again: they keep
     * their places, and the device that comes afterwards completes clients=2.
     */
    @Test
    void devicesWaitThroughARestartOfTheRegistry() throws Exception {
        Path dir = Files.createDirectories(work.resolve("restart"));
        try (Lab lab = Lab.up("iclse5", 2, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                Process master = lab.img("s", "master", session(svc, "mcast05", image, "master-pc", "master", "clients=2"));
                Process c1 = lab.img("r1", "pc1", session(svc, "mcast05", dir.resolve("disk1"), "pc-1"));
                lab.awaitLog("master", "1 registered", 60);
                lab.awaitLog("pc1", "registered", 60);
                svc.restart();
                lab.awaitLog("pc1", "lost contact with session-service, retrying", 30);
                Process c2 = lab.img("r2", "pc2", session(svc, "mcast05", dir.resolve("disk2"), "pc-2"));
                assertEquals(0, Lab.waitFor(c1, 120), lab.log("pc1"));
                assertEquals(0, Lab.waitFor(c2, 120), lab.log("pc2"));
                assertEquals(0, Lab.waitFor(master, 120), lab.log("master"));
                assertEquals(imageSha, Images.sha256(dir.resolve("disk1")));
                assertEquals(imageSha, Images.sha256(dir.resolve("disk2")));
                JsonObject s = svc.awaitState("mcast05", 1, "FINISHED", 30);
                assertVerified(s, imageSha, "pc-1", "pc-2", "master-pc");
            }
        }
    }

    /** The keys m and g, typed into a terminal (tmux), as a person at the device would. */
    @Test
    void keysMAndGInATerminal() throws Exception {
        Path dir = Files.createDirectories(work.resolve("keys"));
        String tmux = "iclse3-keys";
        // the screens stay in target/ for a person to look at
        Path screens = Files.createDirectories(Path.of("target/session-screens"));
        try (Lab lab = Lab.up("iclse3", 1, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                Process client = lab.img("r1", "pc1", session(svc, "keys01", dir.resolve("disk1"), "pc-1"));
                lab.awaitLog("pc1", "registered", 60);
                String command = "ip netns exec " + lab.namespace("s") + " " + Lab.launcher() + " "
                        + String.join(" ", session(svc, "keys01", image, "pc-a")) + "; echo EXIT=$?; sleep 60";
                run("tmux", "new-session", "-d", "-s", tmux, "-x", "110", "-y", "40", command);
                try {
                    String screen = awaitScreen(tmux, "keys: m = make THIS device's disk the source", 60);
                    // both devices wait without a role: both count until one of them is the master
                    screen = awaitScreen(tmux, "registered: 2", 30);
                    Files.writeString(screens.resolve("screen-1-waiting.txt"), screen);
                    assertTrue(screen.contains("role NONE"), screen);
                    assertTrue(screen.contains("pc-1"), screen);

                    run("tmux", "send-keys", "-t", tmux, "g");
                    screen = awaitScreen(tmux, "g: only the master can start keys01", 30);
                    Files.writeString(screens.resolve("screen-2-g-refused.txt"), screen);

                    run("tmux", "send-keys", "-t", tmux, "m");
                    screen = awaitScreen(tmux, "role MASTER", 30);
                    Files.writeString(screens.resolve("screen-3-master.txt"), screen);
                    assertTrue(screen.contains("m: this device is now the master"), screen);
                    assertTrue(screen.contains("registered: 1"), screen);
                    assertTrue(screen.contains("waiting for g on the master"), screen);

                    run("tmux", "send-keys", "-t", tmux, "g");
                    screen = awaitScreen(tmux, "EXIT=", 120);
                    Files.writeString(screens.resolve("screen-4-done.txt"), screen);
                    assertTrue(screen.contains("EXIT=0"), screen);
                    assertTrue(screen.contains("session keys01 run 1: FINISHED (1 of 1 verified)"), screen);
                } finally {
                    new ProcessBuilder("tmux", "kill-session", "-t", tmux).start().waitFor(10, TimeUnit.SECONDS);
                }
                assertEquals(0, Lab.waitFor(client, 60), lab.log("pc1"));
                assertEquals(imageSha, Images.sha256(dir.resolve("disk1")));
                JsonObject s = svc.awaitState("keys01", 1, "FINISHED", 30);
                assertEquals("g pressed on the master (pc-a)", s.getString("startReason"));
            }
        }
    }

    /**
     * What a person at a device reads in a terminal (tmux): before there is a source, m is offered
     * as making THIS device's disk the source; once a master with time= is there, a countdown with
     * the local time that ticks, and no m; while the image arrives, the transfer screen without
     * the key line.
     */
    @Test
    void screensInATerminalCountDownAndTheTransferHasNoKeys() throws Exception {
        Path dir = Files.createDirectories(work.resolve("screens"));
        String tmux = "iclse6-screens";
        Path screens = Files.createDirectories(Path.of("target/session-screens"));
        try (Lab lab = Lab.up("iclse6", 1, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                String command = "ip netns exec " + lab.namespace("r1") + " " + Lab.launcher() + " "
                        + String.join(" ", session(svc, "scr01", dir.resolve("disk1"), "pc-1")) + "; echo EXIT=$?; sleep 60";
                run("tmux", "new-session", "-d", "-s", tmux, "-x", "120", "-y", "40", command);
                try {
                    String screen = awaitScreen(tmux, "keys: m = make THIS device's disk the source   q = quit", 60);
                    Files.writeString(screens.resolve("countdown-1-no-source.txt"), screen);
                    assertTrue(screen.contains("no source yet: press m to make THIS device's disk the source"), screen);

                    // a slow run (15 Mbit/s) leaves time to look at the transfer screen
                    Process master = lab.img("s", "master", session(svc, "scr01", image, "master-pc", "master",
                            "clients=3", "time=0.3", "--rate", "15m"));
                    screen = awaitScreen(tmux, "starts in 0:", 60);
                    Files.writeString(screens.resolve("countdown-2-waiting.txt"), screen);
                    String first = countdown(screen);
                    assertTrue(screen.matches("(?s).*starts in 0:[0-9]{2} \\(at [0-9]{2}:[0-9]{2}:[0-9]{2} local\\) "
                            + "unless another device registers, or when 3 have registered.*"), screen);
                    assertFalse(screen.contains("Z unless"), "no raw instant: " + screen);
                    assertTrue(screen.contains("keys: q = quit"), "no m once there is a master: " + screen);
                    String later = Waits.until(5, () -> capture(tmux), s -> s.contains("starts in 0:")
                            && !countdown(s).equals(first), s -> "the countdown did not move from " + first + ":\n" + s);
                    assertTrue(countdown(later).compareTo(first) < 0, first + " then " + countdown(later));

                    screen = Waits.until(60, () -> capture(tmux), s -> s.contains("receiving ") && s.contains("%"),
                            s -> "no transfer progress on the screen:\n" + s);
                    Files.writeString(screens.resolve("countdown-3-transferring.txt"), screen);
                    assertFalse(screen.contains("keys:"), "no key line while transferring: " + screen);
                    assertFalse(screen.contains("starts in"), "no countdown while transferring: " + screen);
                    assertTrue(screen.contains("receives the image onto " + dir.resolve("disk1")), screen);

                    screen = awaitScreen(tmux, "EXIT=", 120);
                    Files.writeString(screens.resolve("countdown-4-done.txt"), screen);
                    assertTrue(screen.contains("EXIT=0"), screen);
                    assertFalse(screen.contains("keys:"), screen);
                    assertEquals(0, Lab.waitFor(master, 60), lab.log("master"));
                } finally {
                    new ProcessBuilder("tmux", "kill-session", "-t", tmux).start().waitFor(10, TimeUnit.SECONDS);
                }
                assertEquals(imageSha, Images.sha256(dir.resolve("disk1")));
                JsonObject s = svc.awaitState("scr01", 1, "FINISHED", 30);
                assertTrue(s.getString("startReason").startsWith("time=0.3 passed"), s.getString("startReason"));
            }
        }
    }

    private static String countdown(String screen) {
        Matcher m = COUNTDOWN.matcher(screen);
        return m.find() ? m.group(1) : "";
    }

    /** Wrong server, token, name or disk: a clear message, a distinct exit code, nothing written. */
    @Test
    void badInput() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad"));
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        Path small = Files.createDirectories(dir.resolve("small"));
        mount("tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.toString());
        mount("tmpfs", "-o", "size=4m", "tmpfs", small.toString());
        try (Lab lab = Lab.up("iclse4", 3, dir)) {
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                String[] args = session(svc, "bad01", dir.resolve("disk1"), "pc-1");
                assertExit(lab, "wrong-url", 6, "cannot reach session-service at http://10.250.0.254:1/",
                        replace(args, svc.url(), "http://10.250.0.254:1"));
                assertExit(lab, "bad-token", 7, "the server refused the enrollment token: wrong enrollment token",
                        replace(args, SessionService.TOKEN, "guessed"));
                assertExit(lab, "bad-name", 2, "invalid session name 'bad name!'",
                        replace(args, "bad01", "bad name!"));
                assertExit(lab, "clients-no-master", 2, "clients= and time= are the master's rules",
                        insert(args, "clients=3"));
                assertExit(lab, "read-only", 3, readOnly + " is not writable",
                        replace(args, dir.resolve("disk1").toString(), readOnly.resolve("disk").toString()));
                assertFalse(Files.exists(dir.resolve("disk1")), "nothing written");
                Files.list(readOnly).findAny().ifPresent(f -> fail("written to the read-only disk: " + f));

                // a second master is refused; a target without room fails before anything is written
                Process master = lab.img("s", "master", session(svc, "bad01", image, "master-pc", "master", "clients=2"));
                lab.awaitLog("master", "registered", 60);
                assertExit(lab, "second-master", 5, "session bad01 already has a master: master-pc",
                        session(svc, "bad01", image, "other", "m"));
                Process ok = lab.img("r1", "pc1", session(svc, "bad01", dir.resolve("disk-ok"), "pc-1"));
                Process tooSmall = lab.img("r2", "pc2", session(svc, "bad01", small.resolve("disk"), "pc-2"));
                assertEquals(3, Lab.waitFor(tooSmall, 120), lab.log("pc2"));
                assertTrue(lab.log("pc2").contains("reported FAILED to session-service"), lab.log("pc2"));
                assertEquals(0, Lab.waitFor(ok, 120), lab.log("pc1"));
                assertEquals(1, Lab.waitFor(master, 120), lab.log("master"));
                assertFalse(Files.exists(small.resolve("disk")) && Files.size(small.resolve("disk")) > 0,
                        "nothing written to the disk without room");
                JsonObject s = svc.awaitState("bad01", 1, "FAILED", 30);
                JsonObject failed = s.getJsonArray("participants").stream().map(o -> (JsonObject) o)
                        .filter(p -> "pc-2".equals(p.getString("hostname"))).findFirst().orElseThrow();
                assertEquals("FAILED", failed.getString("state"));
                assertTrue(failed.getString("reason").contains("room") || failed.getString("reason").contains("space"),
                        failed.toString());
                assertVerified(s, imageSha, "pc-1");
            }
        } finally {
            new ProcessBuilder("umount", "-l", readOnly.toString()).inheritIO().start().waitFor();
            new ProcessBuilder("umount", "-l", small.toString()).inheritIO().start().waitFor();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertExit(Lab lab, String log, int code, String message, String... args) throws Exception {
        Process p = lab.img("r3", log, args);
        assertEquals(code, Lab.waitFor(p, 60), lab.log(log));
        assertTrue(lab.log(log).contains(message), "expected '" + message + "' in:\n" + lab.log(log));
    }

    private static String[] replace(String[] args, String from, String to) {
        return java.util.Arrays.stream(args).map(a -> a.equals(from) ? to : a).toArray(String[]::new);
    }

    private static String[] insert(String[] args, String word) {
        List<String> list = new ArrayList<>(List.of(args));
        list.add(2, word);
        return list.toArray(String[]::new);
    }

    private static void mount(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mount", "-t"));
        cmd.addAll(List.of(args));
        assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor(), "mount " + cmd);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static String capture(String tmux) throws Exception {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", tmux).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static String awaitScreen(String tmux, String text, int seconds) throws Exception {
        return Waits.until(seconds, () -> capture(tmux), screen -> screen.contains(text),
                screen -> "'" + text + "' did not appear on the screen within " + seconds + " s:\n" + screen);
    }
}
