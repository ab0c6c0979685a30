package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real img command in the namespace lab: one sender, three receivers, a 64 MiB image with
 * zero and random blocks.
 */
class LabTransferIT {
    @TempDir
    static Path work;
    static Path image;
    static String imageSha;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("image.img"), 64, 1);
        imageSha = Images.sha256(image);
    }

    private static String[] receive(String target, String session, String host) {
        return new String[] {"receive", target, "--interface", "eth0", "--session", session, "--timeout", "60",
            "--name", host};
    }

    private static String[] send(String session, int receivers, String... extra) {
        String[] base = {"send", image.toString(), "--interface", "eth0", "--session", session, "--receivers",
            Integer.toString(receivers), "--timeout", "60"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** Starts {@code count} receivers r1..rN in the lab, each writing {@code <dir>/copyN}. */
    private static Process[] startReceivers(Lab lab, Path dir, String session, int count) throws Exception {
        Process[] receivers = new Process[count];
        for (int i = 1; i <= count; i++) {
            receivers[i - 1] = lab.img("r" + i, "r" + i, receive(dir.resolve("copy" + i).toString(), session,
                    "r" + i));
        }
        return receivers;
    }

    private void transferToThree(String labName, int lossPercent) throws Exception {
        Path dir = Files.createDirectories(work.resolve(labName));
        try (Lab lab = Lab.up(labName, 3, dir)) {
            lab.loss(lossPercent);
            Process[] receivers = startReceivers(lab, dir, labName, 3);
            // At 0% the sender runs as shipped (UDP GSO where the kernel offers it, as here); at 5% with
            // IMG_GSO=0, one datagram per send: both ways must give the same verified copies.
            Process sender = lossPercent == 0 ? lab.img("s", "s", send(labName, 3))
                    : lab.run("s", "s", Lab.concat(new String[] {"env", "IMG_GSO=0", Lab.launcher().toString()},
                            send(labName, 3)));
            assertEquals(0, Lab.waitFor(sender, 180), lab.log("s"));
            for (int i = 1; i <= 3; i++) {
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), lab.log("r" + i));
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)), "copy " + i);
                assertTrue(lab.log("r" + i).contains("verified SHA-256 " + imageSha), lab.log("r" + i));
            }
            String report = lab.log("s");
            assertEquals(3, count(report, "VERIFIED SHA-256 " + imageSha), report);
            assertTrue(report.contains("3 of 3 receivers verified"), report);
            if (lossPercent == 0) {
                Matcher gso = Pattern.compile("socket: +UDP GSO: (\\d+) datagrams in (\\d+) sends").matcher(report);
                assertTrue(gso.find() && Long.parseLong(gso.group(1)) > 10 * Long.parseLong(gso.group(2)), report);
            } else {
                assertTrue(report.contains("GSO off: IMG_GSO=0") && !report.contains("UDP GSO:"), report);
            }
            if (lossPercent > 0) {
                Matcher repairs = Pattern.compile("(\\d+) repairs").matcher(report);
                assertTrue(repairs.find() && Long.parseLong(repairs.group(1)) > 0, report);
            }
        }
    }

    @Test
    void threeReceiversGetIdenticalVerifiedCopiesWithoutLoss() throws Exception {
        transferToThree("icltr0", 0);
    }

    @Test
    void threeReceiversGetIdenticalVerifiedCopiesAtFivePercentLoss() throws Exception {
        transferToThree("icltr5", 5);
    }

    @Test
    void aReceiverKilledMidTransferIsDroppedAndTheOthersFinish() throws Exception {
        Path dir = Files.createDirectories(work.resolve("kill"));
        try (Lab lab = Lab.up("icltrk", 3, dir)) {
            // A slow rate leaves time to kill r2 while data flows.
            Process[] receivers = startReceivers(lab, dir, "kill", 3);
            Process sender = lab.img("s", "s", send("kill", 3, "--rate", "100m", "--receiver-timeout", "3"));
            lab.awaitLog("r2", "receiving", 60);
            Thread.sleep(1000);
            receivers[1].destroyForcibly();
            int senderExit = Lab.waitFor(sender, 180);
            String report = lab.log("s");
            assertEquals(1, senderExit, "one receiver was lost, so the sender must not say all is well: " + report);
            assertTrue(Pattern.compile("receiver: +r2 .*DROPPED +silent for \\d+\\.\\d s").matcher(report).find(), report);
            assertTrue(report.contains("2 of 3 receivers verified"), report);
            for (int i : new int[] {1, 3}) {
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), lab.log("r" + i));
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)));
            }
        }
    }

    @Test
    void aSenderStoppedMidTransferTellsItsReceiversAtOnce() throws Exception {
        Path dir = Files.createDirectories(work.resolve("abort"));
        try (Lab lab = Lab.up("icltra", 1, dir)) {
            Process receiver = startReceivers(lab, dir, "abort", 1)[0];
            Process sender = lab.img("s", "s", send("abort", 1, "--rate", "50m"));
            lab.awaitLog("r1", "receiving", 60);
            Thread.sleep(500);
            sender.destroy(); // SIGTERM, as an admin's kill or a shutdown sends
            Lab.waitFor(sender, 30);
            long stopped = System.nanoTime();
            assertEquals(1, Lab.waitFor(receiver, 30), lab.log("r1"));
            assertTrue((System.nanoTime() - stopped) / 1e9 < 5, "the receiver must not wait for a timeout");
            assertTrue(lab.log("r1").contains("the sender aborted the transfer"), lab.log("r1"));
            assertTrue(lab.log("s").contains("finished: aborted: the sender was interrupted"), lab.log("s"));
        }
    }

    @Test
    void forgedDatagramsInjectedIntoTheGroupChangeNothing() throws Exception {
        Path dir = Files.createDirectories(work.resolve("forged"));
        try (Lab lab = Lab.up("icltrf", 2, dir)) {
            Process[] receivers = startReceivers(lab, dir, "forged", 2);
            String group = dev.imgcast.protocol.net.GroupAddress.derive("forged").getHostAddress();
            Process forger = lab.java("x", "x", LabForger.class, group, "9100", "30");
            Process sender = lab.img("s", "s", send("forged", 2, "--rate", "200m"));
            assertEquals(0, Lab.waitFor(sender, 180), lab.log("s"));
            for (int i = 1; i <= 2; i++) {
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), lab.log("r" + i));
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)));
                // Forged frames name transfer id 0: authentic or not, they are for no transfer of ours
                // (OTHER_TRANSFER); forged announcements fail the tag (BAD_TAG).
                Matcher rejected = Pattern.compile("(\\d+) rejected datagrams \\{.*OTHER_TRANSFER=(\\d+)")
                        .matcher(lab.log("r" + i));
                assertTrue(rejected.find(), lab.log("r" + i));
                assertTrue(Long.parseLong(rejected.group(2)) > 100, lab.log("r" + i));
            }
            forger.destroyForcibly();
            assertFalse(lab.log("s").contains("forged: go away"));
        }
    }

    @Test
    void compressedAndEncryptedUnderFivePercentLossOntoALoopDevice() throws Exception {
        Path dir = Files.createDirectories(work.resolve("loop"));
        Path backing = dir.resolve("disk.raw");
        long size = Files.size(image);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength((size + (1 << 20) - 1) / (1 << 20) * (1 << 20)); // a 65 MiB disk
        }
        String device = Lab.exec("losetup", "--find", "--show", backing.toString()).trim();
        assertTrue(device.startsWith("/dev/loop"), device);
        try (Lab lab = Lab.up("icltrl", 2, dir)) {
            lab.loss(5);
            Process toFile = lab.img("r1", "r1", receive(dir.resolve("copy1").toString(), "loop", "r1"));
            Process toDisk = lab.img("r2", "r2", receive(device, "loop", "r2"));
            Process sender = lab.img("s", "s", send("loop", 2));
            assertEquals(0, Lab.waitFor(sender, 180), lab.log("s"));
            assertEquals(0, Lab.waitFor(toFile, 60), lab.log("r1"));
            assertEquals(0, Lab.waitFor(toDisk, 60), lab.log("r2"));
            assertEquals(imageSha, Images.sha256(dir.resolve("copy1")));
            assertEquals(imageSha, Lab.exec("sh", "-c", "head -c " + size + " " + device + " | sha256sum").split(" ")[0]);
            String report = lab.log("s");
            assertTrue(report.contains("2 of 2 receivers verified"), report);
            Matcher repairs = Pattern.compile("(\\d+) repairs").matcher(report);
            assertTrue(repairs.find() && Long.parseLong(repairs.group(1)) > 0, report);
            // compressed: fewer bytes on the wire than the image's non-zero blocks
            Matcher wire = Pattern.compile("received 64\\.0 MiB \\(([0-9.]+) MiB of data\\)").matcher(lab.log("r2"));
            assertTrue(wire.find() && Double.parseDouble(wire.group(1)) < 36, lab.log("r2"));
        } finally {
            Lab.exec("losetup", "-d", device);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
