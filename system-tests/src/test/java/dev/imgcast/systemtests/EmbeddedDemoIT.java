package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Lab;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main job, as the README runs it: lab/demo.sh starts the embedded imaging server
 * in the lab, uploads a sample image, starts a session from the server and runs three
 * {@code img session} devices.
 */
class EmbeddedDemoIT {
    /** lab/demo.sh, which the build names. */
    private static Path demo() {
        return Path.of(System.getProperty("imgcast.lab.demo", "../lab/demo.sh"));
    }

    @Test
    void theMainJobRunsEndToEnd() throws Exception {
        Lab.requireLab();
        Process demo = new ProcessBuilder("bash", demo().toAbsolutePath().toString(), "--size", "64")
                .redirectErrorStream(true).start();
        String output = new String(demo.getInputStream().readAllBytes());
        assertTrue(demo.waitFor(300, TimeUnit.SECONDS), output);
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.contains("session demo run 1: FINISHED (3 of 3 verified); started: clients=3 reached"), output);
        String sha = output.replaceAll("(?s).*image SHA-256 ([0-9a-f]{64}).*", "$1");
        for (int i = 1; i <= 3; i++) {
            assertTrue(output.contains("disk" + i + ".img SHA-256 " + sha), "device " + i + ":\n" + output);
            assertTrue(output.contains("device" + i + " (exit 0): verified SHA-256 " + sha), output);
        }
        assertTrue(output.contains("/q/swagger-ui"), output);
    }

    /**
     * Without root: the demo on an interface the user names, server and devices on one host. Run
     * here as user nobody inside a lab host (so its multicast stays in the lab).
     */
    @Test
    void withoutRootOnANamedInterface() throws Exception {
        Lab.requireLab();
        Path work = java.nio.file.Files.createTempDirectory("imgcast-solo");
        try (Lab lab = Lab.up("iclsolo", 1, work)) {
            Process demo = new ProcessBuilder("ip", "netns", "exec", lab.namespace("s"), "setpriv", "--reuid=65534",
                    "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "bash",
                    demo().toAbsolutePath().toString(), "--interface", "eth0", "--size", "32")
                    .redirectErrorStream(true).start();
            String output = new String(demo.getInputStream().readAllBytes());
            assertTrue(demo.waitFor(300, TimeUnit.SECONDS), output);
            assertEquals(0, demo.exitValue(), output);
            assertTrue(output.contains("running on this host, multicast on eth0 (no lab)"), output);
            assertTrue(output.contains("session demo run 1: FINISHED (3 of 3 verified)"), output);
        }
        // and without root nor an interface, it says what to do
        Process refused = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash",
                demo().toAbsolutePath().toString()).redirectErrorStream(true).start();
        String said = new String(refused.getInputStream().readAllBytes());
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), said);
        assertTrue(said.contains("demo.sh --interface IFACE"), said);
    }
}
