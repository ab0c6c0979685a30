package dev.imgcast.systemtests;

import static dev.imgcast.systemtests.SessionLabIT.assertVerified;
import static dev.imgcast.systemtests.SessionLabIT.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.LoopDisk;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code img session} on real block devices: loop devices (over files of random bytes) as the
 * master's disk and as the clients' disks, session-service's real jar, the namespace lab. Every
 * copy is checked as the device holds it (O_DIRECT reads), and a device killed halfway and
 * started again is served only what it lacks, by the same run or by the next.
 */
class DiskSessionLabIT {
    private static final int DISK_MIB = 33;
    private static final long DISK_BYTES = (long) DISK_MIB << 20;

    @TempDir
    static Path work;
    static Path image;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("image.img"), 32, 17);
    }

    /** A master disk: a loop device holding the image, then what was there before (random bytes). */
    private static LoopDisk masterDisk(Path dir) throws Exception {
        LoopDisk disk = LoopDisk.attach(dir.resolve("master.raw"), DISK_MIB);
        Lab.exec("dd", "if=" + image, "of=" + disk.device(), "bs=1M", "oflag=direct", "conv=notrunc", "status=none");
        return disk;
    }

    @Test
    void threeDevicesWriteTheirDisksFromAMasterReadingItsOwn() throws Exception {
        Path dir = Files.createDirectories(work.resolve("three"));
        List<LoopDisk> disks = new ArrayList<>();
        try (Lab lab = Lab.up("icldss", 3, dir)) {
            LoopDisk master = masterDisk(dir);
            disks.add(master);
            for (int i = 1; i <= 3; i++) {
                disks.add(LoopDisk.attach(dir.resolve("pc" + i + ".raw"), DISK_MIB));
            }
            String sha = master.sha256OnDevice(DISK_BYTES);
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                Process m = lab.img("s", "master", session(svc, "disk01", Path.of(master.device()), "master-pc", "master",
                        "clients=3"));
                Process[] clients = new Process[3];
                for (int i = 1; i <= 3; i++) {
                    clients[i - 1] = lab.img("r" + i, "pc" + i, session(svc, "disk01", Path.of(disks.get(i).device()),
                            "pc-" + i));
                }
                for (int i = 1; i <= 3; i++) {
                    String log = lab.log("pc" + i);
                    assertEquals(0, Lab.waitFor(clients[i - 1], 120), log);
                    assertTrue(lab.log("pc" + i).contains("verified SHA-256 " + sha
                            + " (read back from the device with O_DIRECT, past the page cache)"), lab.log("pc" + i));
                    assertEquals(sha, disks.get(i).sha256OnDevice(DISK_BYTES), "disk of pc-" + i);
                }
                assertEquals(0, Lab.waitFor(m, 120), lab.log("master"));
                assertVerified(svc.awaitState("disk01", 1, "FINISHED", 30), sha, "pc-1", "pc-2", "pc-3", "master-pc");
            }
        } finally {
            closeAll(disks);
        }
    }

    @Test
    void aDeviceKilledHalfwayIsServedOnlyWhatItLacksByTheNextRun() throws Exception {
        Path dir = Files.createDirectories(work.resolve("resume"));
        List<LoopDisk> disks = new ArrayList<>();
        try (Lab lab = Lab.up("icldsr", 2, dir)) {
            LoopDisk master = masterDisk(dir);
            disks.add(master);
            LoopDisk steady = LoopDisk.attach(dir.resolve("pc1.raw"), DISK_MIB);
            LoopDisk killed = LoopDisk.attach(dir.resolve("pc2.raw"), DISK_MIB);
            disks.add(steady);
            disks.add(killed);
            String sha = master.sha256OnDevice(DISK_BYTES);
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                // 8 Mbit/s: about 15 MiB of stored blocks take some 20 s, time to kill pc-2 halfway
                Process m = lab.img("s", "master", session(svc, "disk02", Path.of(master.device()), "master-pc", "master",
                        "clients=2", "--rate", "8m"));
                Process pc1 = lab.img("r1", "pc1", session(svc, "disk02", Path.of(steady.device()), "pc-1"));
                Process pc2 = lab.img("r2", "pc2", session(svc, "disk02", Path.of(killed.device()), "pc-2"));
                killAtHalf(lab, "pc2", pc2);
                assertEquals(0, Lab.waitFor(pc1, 120), lab.log("pc1"));
                assertEquals(sha, steady.sha256OnDevice(DISK_BYTES));
                assertEquals(1, Lab.waitFor(m, 120), lab.log("master"));
                JsonObject run1 = svc.awaitState("disk02", 1, "FAILED", 30);
                assertTrue(run1.getString("endReason").startsWith("1 of 2 verified (pc-2 DROPPED"), run1.encode());

                // pc-2 comes back (same command: resuming is the default) with a master for run 2
                Process again = lab.img("r2", "again", session(svc, "disk02", Path.of(killed.device()), "pc-2"));
                Process m2 = lab.img("s", "master2", session(svc, "disk02", Path.of(master.device()), "master-pc",
                        "master", "clients=1"));
                assertEquals(0, Lab.waitFor(again, 120), lab.log("again"));
                String log = lab.log("again");
                assertEquals(0, Lab.waitFor(m2, 120), lab.log("master2"));
                Matcher resumed = Pattern.compile("resumed: kept [0-9.]+ [KMG]iB of the image \\(([0-9]+)%\\) already on "
                        + Pattern.quote(killed.device()) + "; received [0-9.]+ [KMG]iB of the [0-9.]+ [KMG]iB it sends"
                        + " \\(([0-9]+)%\\)").matcher(log);
                assertTrue(resumed.find(), log);
                System.out.println("DiskSessionLabIT pc-2 in run 2: " + resumed.group());
                assertTrue(Integer.parseInt(resumed.group(2)) < 60, log + "\nrun 1:\n" + lab.log("pc2"));
                assertEquals(sha, killed.sha256OnDevice(DISK_BYTES));
                JsonObject run2 = svc.awaitState("disk02", 2, "FINISHED", 30);
                assertVerified(run2, sha, "pc-2");
            }
        } finally {
            closeAll(disks);
        }
    }

    @Test
    void aDeviceKilledHalfwayAndStartedAgainFinishesInTheSameRun() throws Exception {
        Path dir = Files.createDirectories(work.resolve("rejoin"));
        List<LoopDisk> disks = new ArrayList<>();
        try (Lab lab = Lab.up("icldsj", 2, dir)) {
            LoopDisk master = masterDisk(dir);
            disks.add(master);
            LoopDisk steady = LoopDisk.attach(dir.resolve("pc1.raw"), DISK_MIB);
            LoopDisk killed = LoopDisk.attach(dir.resolve("pc2.raw"), DISK_MIB);
            disks.add(steady);
            disks.add(killed);
            String sha = master.sha256OnDevice(DISK_BYTES);
            lab.server();
            try (SessionService svc = SessionService.start(dir)) {
                Process m = lab.img("s", "master", session(svc, "disk03", Path.of(master.device()), "master-pc", "master",
                        "clients=2", "--rate", "8m"));
                Process pc1 = lab.img("r1", "pc1", session(svc, "disk03", Path.of(steady.device()), "pc-1"));
                Process pc2 = lab.img("r2", "pc2", session(svc, "disk03", Path.of(killed.device()), "pc-2"));
                killAtHalf(lab, "pc2", pc2);
                // the same command again at once: the run is still sending, and takes it back
                Process again = lab.img("r2", "again", session(svc, "disk03", Path.of(killed.device()), "pc-2"));
                assertEquals(0, Lab.waitFor(again, 120), lab.log("again") + "\nmaster:\n" + lab.log("master"));
                assertEquals(0, Lab.waitFor(pc1, 120), lab.log("pc1"));
                assertEquals(0, Lab.waitFor(m, 120), lab.log("master"));
                String log = lab.log("again");
                Matcher resumed = Pattern.compile("resumed: kept [0-9.]+ [KMG]iB of the image \\(([0-9]+)%\\) already on "
                        + Pattern.quote(killed.device()) + "; received [0-9.]+ [KMG]iB of the [0-9.]+ [KMG]iB it sends"
                        + " \\(([0-9]+)%\\)").matcher(log);
                assertTrue(resumed.find(), log);
                System.out.println("DiskSessionLabIT pc-2 back in run 1: " + resumed.group());
                assertTrue(Integer.parseInt(resumed.group(2)) < 60, log + "\nbefore the kill:\n" + lab.log("pc2"));
                assertTrue(lab.log("master").contains("came back during the transfer"), lab.log("master"));
                assertEquals(sha, killed.sha256OnDevice(DISK_BYTES));
                assertEquals(sha, steady.sha256OnDevice(DISK_BYTES));
                JsonObject run1 = svc.awaitState("disk03", 1, "FINISHED", 30);
                assertVerified(run1, sha, "pc-1", "pc-2", "master-pc");
            }
        } finally {
            closeAll(disks);
        }
    }

    /** Kills a receiving device when half of what it receives has arrived: two 5-second progress lines give the pace. */
    static void killAtHalf(Lab lab, String log, Process device) throws Exception {
        Pattern progress = Pattern.compile("receiving +([0-9.]+)%");
        List<Double> shares = Waits.until(90, () -> {
            Matcher m = progress.matcher(lab.log(log));
            List<Double> seen = new ArrayList<>();
            while (m.find()) {
                seen.add(Double.parseDouble(m.group(1)));
            }
            return seen;
        }, seen -> seen.size() >= 2, seen -> lab.log(log));
        double perSecond = (shares.get(1) - shares.get(0)) / 5;
        Thread.sleep((long) (Math.max(0, 50 - shares.get(1)) / perSecond * 1000));
        device.destroyForcibly();
        device.waitFor();
    }

    private static void closeAll(List<LoopDisk> disks) throws Exception {
        for (LoopDisk d : disks) {
            d.close();
        }
    }
}
