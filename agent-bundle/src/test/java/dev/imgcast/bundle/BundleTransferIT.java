package dev.imgcast.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real transfer with the bundle unpacked from its tarball, as a device runs it: img send on the
 * lab's sender host, img receive on a receiver host, both started with an empty environment
 * except PATH=/nonexistent and a JAVA_HOME that leads nowhere, so the only java they can run is
 * the bundle's. Multicast only inside the namespaces of lab/lab.sh, on their eth0.
 */
class BundleTransferIT {
    @TempDir
    Path work;

    @Test
    void sendAndReceiveAnImageWithNothingButTheBundle() throws Exception {
        Lab.requireLab();
        Path home = Bundle.unpack(work.resolve("device"));
        String img = home.resolve("bin/img").toString();
        Path image = Images.mixed(work.resolve("image.img"), 8, 3);
        String sha = Images.sha256(image);
        Path copy = work.resolve("copy.img");
        try (Lab lab = Lab.up("iclbdl", 1, work)) {
            Process receiver = lab.run("r1", "r1", Bundle.envCommand(Bundle.NO_JAVA, img, "receive", copy.toString(),
                    "--interface", "eth0", "--session", "bundle", "--timeout", "60", "--name", "r1"));
            lab.awaitLog("r1", "listening on", 60);
            Process sender = lab.run("s", "s", Bundle.envCommand(Bundle.NO_JAVA, img, "send", image.toString(),
                    "--interface", "eth0", "--session", "bundle", "--receivers", "1", "--timeout", "60"));
            assertEquals(0, Lab.waitFor(sender, 120), lab.log("s"));
            assertEquals(0, Lab.waitFor(receiver, 60), lab.log("r1"));
            assertEquals(sha, Images.sha256(copy));
            assertTrue(lab.log("r1").contains("verified SHA-256 " + sha), lab.log("r1"));
            assertTrue(lab.log("s").contains("1 of 1 receivers verified"), lab.log("s"));
            for (String host : new String[] {"s", "r1"}) {
                // the JVM had nothing to say: the cache was used, no warning about native access
                assertFalse(lab.log(host).contains("[warning]") || lab.log(host).contains("[error"), lab.log(host));
                assertFalse(lab.log(host).contains("WARNING:"), lab.log(host));
            }
        }
    }
}
