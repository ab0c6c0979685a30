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

    private static String errorOf(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured));
        try {
            assertEquals(ExitCode.USAGE, Img.execute(args));
        } finally {
            System.setErr(err);
        }
        return captured.toString();
    }

    /** A wrong value names the option it came from, so the admin knows what to fix. */
    @Test
    void usageErrorsNameTheOption() {
        assertContains(errorOf("send", "x.img", "-i", "eth0", "-n", "1", "--port", "70000"), "--port must be 1..65535");
        assertContains(errorOf("receive", "t.img", "-i", "eth0", "--ttl", "0"), "--ttl must be 1..255");
        assertContains(errorOf("send", "x.img", "-i", "eth0", "-n", "-1"), "--receivers must not be negative");
        assertContains(errorOf("send", "x.img", "-i", "eth0", "-w", "0"), "--wait must be between 0 and 86400 seconds");
        assertContains(errorOf("send", "x.img", "-i", "eth0", "-n", "1", "--receiver-timeout", "0"),
                "--timeout and --receiver-timeout must be positive");
    }

    /** img session NAME [master|m|client|c] [clients=COUNT [time=MINUTES|t=MINUTES]], checked before any network. */
    @Test
    void sessionWordsAreParsedLikeTheClassicCommand() {
        String[] common = {"--server", "http://127.0.0.1:9", "--disk", "x.img", "-i", "lo"};
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "clients=5"}, common)),
                "clients= and time= are the master's rules");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "c", "clients=5"}, common)),
                "clients= and time= are the master's rules");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "m", "time=20"}, common)),
                "time= comes after clients=");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "m", "clients=5", "t=x"}, common)),
                "time= needs minutes");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "m", "clients=0"}, common)),
                "clients= must be at least 1");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "m", "clients=five"}, common)),
                "clients= needs a whole number");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "boss"}, common)),
                "unknown word 'boss'");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "clients=2", "m"}, common)),
                "the role comes once, right after the name");
        assertContains(errorOf(concat(new String[] {"session", "mcast01", "c", "--go"}, common)),
                "--go is for the master");
        assertContains(errorOf(concat(new String[] {"session", "no way"}, common)), "invalid session name");
        assertContains(errorOf("session", "mcast01", "--disk", "x.img", "-i", "lo", "--server", "ftp://x"),
                "--server must be an http:// or https:// URL");
        assertContains(errorOf("session", "mcast01", "--disk", "x.img"), "Missing required option: '--interface");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertContains(String text, String part) {
        org.junit.jupiter.api.Assertions.assertTrue(text.contains(part), "'" + part + "' not in: " + text);
    }

    @Test
    void helpAndVersionSucceed() {
        assertEquals(0, run("--help"));
        assertEquals(0, run("--version"));
        assertEquals(0, run("receive", "--help"));
        assertEquals(0, run("session", "--help"));
    }
}
