package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Parity repair with the real img command in the namespace lab: eight receivers, two of them behind
 * links that lose frames in bursts of 50, the others behind links that lose 3% at random. The
 * sender takes the large group's path (report after a random wait, PLAN, repair floor) although
 * eight receivers would report at once by default (IMG_SMALL_GROUP=4).
 */
class LabRepairIT {
    @TempDir
    static Path work;
    static Path image;
    static String imageSha;

    @BeforeAll
    static void makeImage() throws Exception {
        Lab.requireLab();
        image = Images.mixed(work.resolve("image.img"), 24, 7);
        imageSha = Images.sha256(image);
    }

    @Test
    void eightReceiversWithBurstsOnTwoLinksAndRandomLossOnTheRestAllVerify() throws Exception {
        int count = 8;
        Path dir = Files.createDirectories(work.resolve("mixed"));
        try (Lab lab = Lab.up("iclrep8", count, dir)) {
            lab.impair("r1", "bursts", "5", "50");
            lab.impair("r2", "bursts", "5", "50");
            for (int i = 3; i <= count; i++) {
                lab.impair("r" + i, "random", "3");
            }
            Process[] receivers = new Process[count];
            for (int i = 1; i <= count; i++) {
                receivers[i - 1] = lab.img("r" + i, "r" + i, "receive", dir.resolve("copy" + i).toString(), "--interface",
                        "eth0", "--session", "mixed", "--timeout", "90", "--name", "r" + i);
            }
            Process sender = lab.run("s", "s", Lab.concat(new String[] {"env", "IMG_SMALL_GROUP=4",
                Lab.launcher().toString()}, new String[] {"send", image.toString(), "--interface", "eth0", "--session",
                    "mixed", "--receivers", Integer.toString(count), "--timeout", "90", "--rate", "150m"}));
            assertEquals(0, Lab.waitFor(sender, 240), lab.log("s"));
            for (int i = 1; i <= count; i++) {
                assertEquals(0, Lab.waitFor(receivers[i - 1], 60), lab.log("r" + i));
                assertEquals(imageSha, Images.sha256(dir.resolve("copy" + i)), "copy " + i);
            }
            String report = lab.log("s");
            assertTrue(report.contains(count + " of " + count + " receivers verified"), report);
            Matcher repair = Pattern.compile("repair: +(\\d+) parity symbols; (\\d+) round reports, at most (\\d+) in a"
                    + " round; group round-trip ([0-9.]+) ms").matcher(report);
            assertTrue(repair.find(), report);
            assertTrue(Long.parseLong(repair.group(1)) > 0, "no parity sent: " + report);
            assertTrue(Double.parseDouble(repair.group(4)) <= 200, "group round-trip beyond its cap: " + report);
        }
    }
}
