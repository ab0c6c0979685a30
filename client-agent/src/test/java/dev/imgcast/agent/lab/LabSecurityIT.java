package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.LabHijacker;
import dev.imgcast.testsupport.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wire format v3 against a hostile host of the lab (host x, {@link LabHijacker}), with the real
 * img command and small images: a host that re-multicasts the sender's announcements and relays
 * what it is sent, a recording of an earlier transfer with the same secret played back before and
 * during a new one, and a receiver with the wrong secret.
 */
class LabSecurityIT {
    private static final String SENDER = "10.250.0.1";
    private static final String HOSTILE = "10.250.0.200";

    @TempDir
    static Path work;
    static Path image;
    static String imageSha;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("image.img"), 4, 51);
        imageSha = Images.sha256(image);
    }

    private static String[] args(String... words) {
        return words;
    }

    /**
     * x re-sends every datagram of the sender from its own address, and its announcement a
     * thousand times a second, and relays to the sender whatever it is sent; the receivers start
     * while it does (so what they hear first is x's copy). Every receiver takes the real sender,
     * and the sender's report has the three at their own addresses. r3 also names the sender
     * (--sender); the key comes from a key file.
     */
    @Test
    void aHostThatReannouncesTheSenderAndRelaysJoinsGetsNoReceiver() throws Exception {
        Path dir = Files.createDirectories(work.resolve("hijack"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.writeString(dir.resolve("transfer.key"), Base64.getEncoder().encodeToString(key) + "\n");
        String group = GroupAddress.derive("hijack").getHostAddress();
        try (Lab lab = Lab.up("iclsec1", 3, dir)) {
            assertEquals(SENDER, lab.address("s"));
            assertEquals(HOSTILE, lab.address("x"));
            Process hijacker = lab.hostile("x", "x", "hijack", group, "9100", SENDER, "120", "1000");
            Process sender = lab.img("s", "s", args("send", image.toString(), "--interface", "eth0", "--session",
                    "hijack", "--receivers", "3", "--timeout", "60", "--key-file", keyFile.toString()));
            awaitCount(lab, "x", "and (\\d+) of its announcements", 50);
            Process[] receivers = new Process[3];
            for (int i = 1; i <= 3; i++) {
                String[] receive = args("receive", dir.resolve("copy" + i).toString(), "--interface", "eth0",
                        "--session", "hijack", "--timeout", "60", "--name", "r" + i, "--key-file", keyFile.toString());
                receivers[i - 1] = lab.img("r" + i, "r" + i, i == 3 ? Lab.concat(receive, args("--sender", SENDER))
                        : receive);
            }
            assertEquals(0, Lab.waitFor(sender, 120), lab.log("s") + lab.log("x"));
            boolean someoneSawTheCopy = false;
            for (int i = 1; i <= 3; i++) {
                String log = lab.log("r" + i);
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), log);
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)), "copy " + i);
                assertTrue(log.contains("sender " + SENDER + " announces"), log);
                assertFalse(log.contains("sender " + HOSTILE), log);
                assertTrue(log.contains("verified SHA-256 " + imageSha), log);
                Matcher rejected = Pattern.compile("WRONG_ADDRESS=(\\d+)").matcher(log);
                assertTrue(rejected.find() && Long.parseLong(rejected.group(1)) > 100, "x's copies counted: " + log);
                someoneSawTheCopy |= log.contains("ignoring announcements from " + HOSTILE + " (the sender is " + SENDER);
            }
            assertTrue(someoneSawTheCopy, "a receiver that starts while x re-announces hears x's copy first");
            assertTrue(lab.log("r3").contains("from sender " + SENDER + " only"), lab.log("r3"));
            String report = lab.log("s");
            assertTrue(report.contains("3 of 3 receivers verified"), report);
            for (int i = 1; i <= 3; i++) {
                assertTrue(Pattern.compile("receiver: +r" + i + " +10\\.250\\.0\\.1" + i + " +VERIFIED +SHA-256 "
                        + imageSha).matcher(report).find(), report);
            }
            assertFalse(report.contains(HOSTILE), "x never was a receiver: " + report);
            hijacker.destroyForcibly();
        }
    }

    /**
     * x records an earlier transfer of another image with the same --secret (the group's
     * traffic: what a host on the segment hears) and plays it back, two thousand datagrams a
     * second, before and during a new transfer: nothing is written before the new sender accepts
     * the receivers, their copies are the new image, verified once. A receiver with the wrong
     * secret writes nothing and says why (exit code 4).
     */
    @Test
    void aRecordedTransferPlayedBackWritesNothingAndAWrongSecretIsNamed() throws Exception {
        Path dir = Files.createDirectories(work.resolve("replay"));
        Path old = Images.mixed(dir.resolve("old.img"), 4, 52);
        String oldSha = Images.sha256(old);
        String group = GroupAddress.derive("replay").getHostAddress();
        String[] common = {"--interface", "eth0", "--session", "replay", "--timeout", "60"};
        try (Lab lab = Lab.up("iclsec2", 3, dir)) {
            Path recording = dir.resolve("recording.bin");
            Process recorder = lab.hostile("x", "rec", "record", group, "9100", recording.toString(), "60");
            lab.awaitLog("rec", "recorder: 0 datagrams", 30);
            Process earlier = lab.img("r1", "r1-old", Lab.concat(args("receive", dir.resolve("old-copy").toString(),
                    "--name", "r1", "--secret", "lab secret"), common));
            Process oldSender = lab.img("s", "s-old", Lab.concat(args("send", old.toString(), "--receivers", "1",
                    "--secret", "lab secret"), common));
            assertEquals(0, Lab.waitFor(oldSender, 120), lab.log("s-old"));
            assertEquals(0, Lab.waitFor(earlier, 60), lab.log("r1-old"));
            long recorded = awaitCount(lab, "rec", "recorder: (\\d+) datagrams", 1000);
            recorder.destroyForcibly();
            Lab.waitFor(recorder, 10);

            Process replay = lab.hostile("x", "replay", "replay", group, "9100", recording.toString(), "120", "2000");
            Process[] receivers = new Process[2];
            for (int i = 1; i <= 2; i++) {
                receivers[i - 1] = lab.img("r" + i, "r" + i, Lab.concat(args("receive",
                        dir.resolve("copy" + i).toString(), "--name", "r" + i, "--secret", "lab secret"), common));
            }
            Path wrongTarget = dir.resolve("wrong-secret-copy");
            Process wrong = lab.img("r3", "r3", args("receive", wrongTarget.toString(), "--interface", "eth0",
                    "--session", "replay", "--timeout", "4", "--name", "r3", "--secret", "not the lab secret"));
            for (int i = 1; i <= 2; i++) {
                // the recording is authentic (same secret) but does not come from the sender it names
                lab.awaitLog("r" + i, "ignoring announcements from " + HOSTILE + " (the sender is " + SENDER + ")", 60);
            }
            // and they go on listening while the whole recording plays once more
            long played = awaitCount(lab, "replay", "replayer: (\\d+) datagrams", 0);
            awaitCount(lab, "replay", "replayer: (\\d+) datagrams", played + Math.max(recorded, 3000));
            for (int i = 1; i <= 2; i++) {
                assertFalse(Files.exists(dir.resolve("copy" + i)), "nothing written before a sender accepted r" + i);
            }

            Process sender = lab.img("s", "s", Lab.concat(args("send", image.toString(), "--receivers", "2",
                    "--secret", "lab secret"), common));
            assertEquals(0, Lab.waitFor(sender, 120), lab.log("s"));
            assertTrue(lab.log("s").contains("2 of 2 receivers verified"), lab.log("s"));
            for (int i = 1; i <= 2; i++) {
                String log = lab.log("r" + i);
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), log);
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)), "r" + i + " holds the new image");
                Matcher verified = Pattern.compile("verified SHA-256 (\\w+)").matcher(log);
                while (verified.find()) {
                    assertEquals(imageSha, verified.group(1), "no other verified: " + log);
                }
                assertTrue(log.contains("verified SHA-256 " + imageSha), log);
                assertFalse(log.contains(oldSha), "nothing of the old transfer taken: " + log);
            }
            assertTrue(count(lab.log("replay"), "replayer:") > 2, "played during the transfer too: " + lab.log("replay"));
            replay.destroyForcibly();

            assertEquals(4, Lab.waitFor(wrong, 60), lab.log("r3"));
            assertTrue(lab.log("r3").contains("packets failed authentication: is the secret or session the same?"),
                    lab.log("r3"));
            assertTrue(!Files.exists(wrongTarget) || Files.size(wrongTarget) == 0, "nothing written with the wrong secret");
        }
    }

    /** Waits until the last number {@code pattern} finds in a log is at least {@code least}; returns it. */
    private static long awaitCount(Lab lab, String log, String pattern, long least) throws Exception {
        Pattern p = Pattern.compile(pattern);
        return Waits.until(60, () -> {
            Matcher m = p.matcher(lab.log(log));
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            return last;
        }, n -> n >= least, n -> "'" + pattern + "' did not reach " + least + " in " + log + " (last " + n + "):\n"
                + lab.log(log));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
