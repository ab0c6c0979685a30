package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The command line as typed, parsed by the real img entry point (no network, no files). */
class CommandLineTest {
    private static int run(String... args) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            return Img.execute(args);
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void unknownOptionsAndMissingArgumentsAreUsageErrors() {
        assertEquals(ExitCode.USAGE, run("send"));
        assertEquals(ExitCode.USAGE, run("send", "x.img"));
        assertEquals(ExitCode.USAGE, run("receive", "t.img", "-i", "eth0", "--bogus"));
        assertEquals(ExitCode.USAGE, run("frobnicate"));
    }

    @Test
    void nonsensicalValuesAreUsageErrorsBeforeAnythingIsOpened() {
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-n", "-1"));
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-n", "1", "--rate", "fast"));
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-n", "1", "--payload", "100"));
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-w", "0"));
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-n", "1", "--port", "70000"));
        assertEquals(ExitCode.USAGE, run("send", "x.img", "-i", "eth0", "-n", "1", "--group", "10.1.2.3"));
        assertEquals(ExitCode.USAGE, run("receive", "t.img", "-i", "eth0", "--session", "no spaces"));
        assertEquals(ExitCode.USAGE, run("receive", "t.img", "-i", "eth0", "-t", "-3"));
    }

    @Test
    void helpAndVersionSucceed() {
        assertEquals(0, run("--help"));
        assertEquals(0, run("--version"));
        assertEquals(0, run("receive", "--help"));
    }
}
