package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    /**
     * --key-file (32 random bytes as hex, base64 or raw) and --secret are alternatives; a key file
     * that is no key is a usage error saying what it must hold; --sender is an IPv4 address.
     * Every case names the interface "none0", which does not exist: a command that got past its
     * options stops there (4) and never opens a socket.
     */
    @Test
    void keyFileSecretAndSender(@TempDir Path dir) throws Exception {
        Path hex = Files.writeString(dir.resolve("hex"), "ab".repeat(32) + "\n");
        Path b64 = Files.writeString(dir.resolve("b64"),
                Base64.getEncoder().encodeToString(new byte[32]));
        Path raw = Files.write(dir.resolve("raw"), new byte[32]);
        Path shortKey = Files.writeString(dir.resolve("short"), "ab".repeat(15)); // 30 bytes: no key in any form
        for (Path key : List.of(hex, b64, raw)) {
            assertEquals(ExitCode.NETWORK, run("receive", "t.img", "-i", "none0", "--key-file", key.toString()), key
                    + " is a key: the options pass, the interface does not exist");
        }
        assertEquals(ExitCode.DISK, run("send", dir.resolve("x.img").toString(), "-i", "none0", "-n", "1", "--key-file",
                hex.toString()), "the sender's options pass too: then its image is missing");
        assertContains(errorOf("receive", "t.img", "-i", "none0", "--key-file", shortKey.toString()),
                "the key file " + shortKey + " must hold 32 random bytes: 64 hex digits, base64, or the raw bytes");
        assertContains(errorOf("send", "x.img", "-i", "none0", "-n", "1", "--key-file", dir.resolve("none").toString()),
                "cannot read the key file " + dir.resolve("none"));
        assertContains(errorOf("send", "x.img", "-i", "none0", "-n", "1", "--key-file", hex.toString(), "--secret", "s"),
                "give --secret or --key-file, not both");
        assertContains(errorOf("receive", "t.img", "-i", "none0", "--secret", "s", "--key-file", hex.toString()),
                "give --secret or --key-file, not both");

        assertEquals(ExitCode.NETWORK, run("receive", "t.img", "-i", "none0", "--sender", "10.250.0.1"));
        for (String bad : List.of("imaging.example", "239.1.2.3", "0.0.0.0", "10.0.0", "10.0.0.300", "::1")) {
            assertContains(errorOf("receive", "t.img", "-i", "none0", "--sender", bad),
                    "--sender must be the sender's unicast IPv4 address, e.g. 10.0.0.1, not " + bad);
        }
    }

    /** The help says what the secret is now and offers the key file. */
    @Test
    void helpDescribesTheKeyOptions() {
        StringWriter help = new StringWriter();
        new CommandLine(new Img()).getSubcommands().get("receive").usage(new PrintWriter(help));
        String text = help.toString().replaceAll("\\s+", " ");
        assertContains(text, "stretched with PBKDF2 into the master key, from which each transfer derives fresh keys");
        assertContains(text, "--key-file=FILE");
        assertContains(text, "--sender=ADDR");
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
