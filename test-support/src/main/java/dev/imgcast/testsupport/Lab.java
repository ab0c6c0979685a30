package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A namespace lab for one test (lab/lab.sh): a sender host, receiver hosts and a spare host "x",
 * all on a private bridge with no route out. Runs the real img jar in the hosts. Closing it kills
 * every process it started and removes the namespaces, also when the test failed.
 *
 * <p>The build names the script and the img jar: system properties {@code imgcast.lab.script}
 * and {@code imgcast.jar} (the img launcher script is {@code img} beside the jar's
 * {@code target/}, or system property {@code imgcast.img}).
 */
public final class Lab implements AutoCloseable {
    private static final Path SCRIPT = Path.of(System.getProperty("imgcast.lab.script", "../lab/lab.sh"));
    private static final Path JAR = Path.of(System.getProperty("imgcast.jar", "target/img.jar"));

    private final String name;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    private Lab(String name, Path work) {
        this.name = name;
        this.work = work;
    }

    /**
     * Skips the test when the lab cannot run here (not root), unless the build said the lab is
     * required (CI), in which case that is a failure.
     */
    public static void requireLab() {
        String missing = missing("root".equals(System.getProperty("user.name")));
        if (missing != null) {
            if (Boolean.getBoolean("imgcast.lab.required")) {
                fail(missing + ", and this build requires it (imgcast.lab.required=true)");
            }
            Assumptions.abort(missing);
        }
    }

    /** Why the lab cannot run here, or null when it can. */
    static String missing(boolean root) {
        return root ? null : "the namespace lab needs root";
    }

    public static Lab up(String name, int receivers, Path work) throws IOException, InterruptedException {
        requireLab();
        Lab lab = new Lab(name, work);
        lab.script("up", name, Integer.toString(receivers));
        return lab;
    }

    public void loss(int percent) throws IOException, InterruptedException {
        script("loss", name, Integer.toString(percent));
    }

    /** Adds an impairment towards one host: {@code "random", "3"} or {@code "bursts", "5", "50"} (lab.sh impair). */
    public void impair(String host, String... how) throws IOException, InterruptedException {
        script(concat(new String[] {"impair", name, host}, how));
    }

    public void shape(String rate) throws IOException, InterruptedException {
        script("shape", name, rate);
    }

    /** A TCP-only link to the root namespace, where a session-service listens on 10.250.0.254. */
    public void server() throws IOException, InterruptedException {
        script("server", name);
    }

    /** The namespace of a host, e.g. for tmux. */
    public String namespace(String host) {
        return name + "-" + host;
    }

    /** The img launcher. */
    public static Path launcher() {
        String img = System.getProperty("imgcast.img");
        return img != null ? Path.of(img).toAbsolutePath() : JAR.toAbsolutePath().getParent().getParent().resolve("img");
    }

    public String address(String host) throws IOException, InterruptedException {
        return script("addr", name, host).trim();
    }

    /** Starts the img command in a host; its output goes to {@code <work>/<log>.log}. */
    public Process img(String host, String log, String... args) throws IOException {
        // The launcher script next to the jar: the real command, with its JVM settings.
        return run(host, log, concat(new String[] {launcher().toString()}, args));
    }

    /** Starts a Java class of the test classpath in a host. */
    public Process java(String host, String log, Class<?> main, String... args) throws IOException {
        String classpath = JAR.toAbsolutePath() + ":" + Path.of("target/test-classes").toAbsolutePath();
        return run(host, log, concat(new String[] {"java", "-cp", classpath, main.getName()}, args));
    }

    /**
     * Starts {@link LabHijacker} (a hostile host that copies, replays and relays datagrams, with
     * the JDK only) in a host; its output goes to {@code <work>/<log>.log}.
     */
    public Process hostile(String host, String log, String... args) throws IOException {
        String classpath;
        try {
            classpath = Path.of(LabHijacker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        return run(host, log, concat(new String[] {"java", "-Xmx64m", "-cp", classpath, LabHijacker.class.getName()},
                args));
    }

    /** The words of a command line followed by more words (common options of several devices). */
    public static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Starts any command in a host (e.g. chromedriver); its output goes to {@code <work>/<log>.log}. */
    public Process run(String host, String log, String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name + "-" + host));
        all.addAll(List.of(command));
        return start(all, log);
    }

    private Process start(List<String> command, String log) throws IOException {
        Path out = work.resolve(log + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        return p;
    }

    public String log(String log) throws IOException {
        Path out = work.resolve(log + ".log");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    /** Waits for a process; a test never waits forever. */
    public static int waitFor(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("process did not end within " + seconds + " s");
        }
        return p.exitValue();
    }

    /** Waits until a log contains a text. */
    public void awaitLog(String log, String text, int seconds) throws IOException {
        try {
            Waits.upToSeconds(seconds).until(() -> log(log).contains(text));
        } catch (ConditionTimeoutException e) {
            fail("'" + text + "' did not appear in " + log + " within " + seconds + " s:\n" + log(log));
        }
    }

    /**
     * Runs a local command on this host (losetup, sha256sum: nothing that touches the network)
     * and returns its output; a failure or a minute's wait fails the test.
     */
    public static String exec(String... command) throws IOException, InterruptedException {
        return output(List.of(command), String.join(" ", command));
    }

    private String script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(SCRIPT.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return output(command, "lab.sh " + String.join(" ", args));
    }

    /** Runs a command to its end (a minute at most) and returns its output; failing, it fails the test. */
    private static String output(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(what + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        script("down", name);
    }
}
