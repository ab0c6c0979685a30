package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Images;
import dev.imgcast.testsupport.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What img says and returns when something is wrong; each case has its own exit code. */
class CommandErrorsIT {
    @TempDir
    static Path work;

    private static Process run(String log, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java", "-jar",
                Path.of(System.getProperty("imgcast.jar", "target/img.jar")).toAbsolutePath().toString()));
        command.addAll(java.util.List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(log + ".log").toFile()).start();
    }

    private static int exit(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "img did not end");
        return p.exitValue();
    }

    private static String log(String log) throws Exception {
        return Files.readString(work.resolve(log + ".log"));
    }

    @Test
    void helpListsTheExitCodes() throws Exception {
        assertEquals(0, exit(run("help", "send", "--help")));
        assertTrue(log("help").contains("3  image or target unusable"), log("help"));
    }

    @Test
    void aMissingImageIsADiskProblem() throws Exception {
        assertEquals(3, exit(run("missing", "send", work.resolve("nope.img").toString(), "-i", "lo", "-n", "1")));
        assertTrue(log("missing").contains("does not exist"), log("missing"));
    }

    @Test
    void anUnknownInterfaceIsANetworkProblemThatNamesTheInterfacesThereAre() throws Exception {
        Path image = Files.write(work.resolve("small.img"), new byte[4096]);
        assertEquals(4, exit(run("iface", "send", image.toString(), "-i", "nosuch0", "-n", "1")));
        assertTrue(log("iface").contains("no network interface 'nosuch0' (there are: "), log("iface"));
    }

    @Test
    void anInterfaceWithoutMulticastIsRefusedWithTheFix() throws Exception {
        Lab.requireLab();
        Path dir = Files.createDirectories(work.resolve("nomulticast"));
        try (Lab lab = Lab.up("iclnomc", 1, dir)) {
            // The lab hosts' loopback is up but has no MULTICAST flag.
            Process p = lab.img("r1", "r1", "receive", dir.resolve("t.img").toString(), "-i", "lo", "-t", "2");
            assertEquals(4, Lab.waitFor(p, 60), lab.log("r1"));
            assertTrue(lab.log("r1").contains("interface lo does not do multicast (ip link set lo multicast on)"),
                    lab.log("r1"));
        }
    }

    @Test
    void anInvalidSessionNameIsAUsageError() throws Exception {
        assertEquals(2, exit(run("name", "receive", work.resolve("t").toString(), "-i", "lo", "-s", "bad name!")));
        assertTrue(log("name").contains("invalid session name"), log("name"));
        assertFalse(Files.exists(work.resolve("t")));
    }

    @Test
    void aSenderMustBeToldWhenToStart() throws Exception {
        Path image = Files.write(work.resolve("small2.img"), new byte[4096]);
        assertEquals(2, exit(run("when", "send", image.toString(), "-i", "lo")));
        assertTrue(log("when").contains("say when to start"), log("when"));
    }

    @Test
    void aReceiverWithoutASenderGivesUpWithAReasonAndWritesNothing() throws Exception {
        Lab.requireLab();
        Path dir = Files.createDirectories(work.resolve("nosender"));
        try (Lab lab = Lab.up("iclerr", 1, dir)) {
            Path target = dir.resolve("target.img");
            Process p = lab.img("r1", "r1", "receive", target.toString(), "-i", "eth0", "-s", "lonely", "-t", "2");
            assertEquals(4, Lab.waitFor(p, 60), lab.log("r1"));
            assertTrue(lab.log("r1").contains("no sender heard within 2 s"), lab.log("r1"));
            assertFalse(Files.exists(target), "nothing may be written before a transfer starts");
        }
    }

    @Test
    void aTargetWithoutRoomIsRefusedBeforeAnythingIsWritten() throws Exception {
        Lab.requireLab();
        Path dir = Files.createDirectories(work.resolve("full"));
        Path small = Files.createDirectories(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString())
                .inheritIO().start();
        assertEquals(0, mount.waitFor());
        try (Lab lab = Lab.up("iclfull", 1, dir)) {
            Path image = Images.mixed(dir.resolve("image.img"), 16, 2);
            Path target = small.resolve("target.img");
            Process r = lab.img("r1", "r1", "receive", target.toString(), "-i", "eth0", "-s", "full", "-t", "30");
            Process s = lab.img("s", "s", "send", image.toString(), "-i", "eth0", "-s", "full", "-n", "1", "-w", "3",
                    "-t", "8");
            assertEquals(3, Lab.waitFor(r, 60), lab.log("r1"));
            assertTrue(lab.log("r1").contains("not enough space"), lab.log("r1"));
            assertFalse(Files.exists(target));
            // The sender learns why: the receiver reports its failure instead of going silent.
            assertEquals(1, Lab.waitFor(s, 60), lab.log("s"));
            assertTrue(lab.log("s").contains("FAILED   not enough space"), lab.log("s"));
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }
}
