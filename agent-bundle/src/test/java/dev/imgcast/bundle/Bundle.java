package dev.imgcast.bundle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bundle the build made (system properties {@code imgcast.bundle.dir} and
 * {@code imgcast.bundle.tar}), and its commands run the way a device runs them: with an
 * environment of our choosing, where no java is to be found.
 */
final class Bundle {
    static final Path DIR = Path.of(System.getProperty("imgcast.bundle.dir", "target/img-bundle")).toAbsolutePath();
    static final Path TAR = Path.of(System.getProperty("imgcast.bundle.tar", "target/img-bundle.tar.gz")).toAbsolutePath();
    /** An environment without any java: PATH leads nowhere, JAVA_HOME to a JDK that is not there. */
    static final Map<String, String> NO_JAVA = Map.of("PATH", "/nonexistent", "JAVA_HOME", "/nonexistent/jdk-17");

    private Bundle() {
    }

    /** What a command printed and how it ended. */
    record Run(int exit, String out, String err) {
        String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs a command with exactly the environment {@code env} (nothing inherited). */
    static Run run(Path work, Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not end within 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code env -i NAME=VALUE... command...}: a command line for another runner (ip netns exec). */
    static String[] envCommand(Map<String, String> env, String... command) {
        List<String> all = new ArrayList<>(List.of("env", "-i"));
        env.forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    /** Unpacks the tarball into {@code into}, as on a device: GNU tar keeps modes and times. */
    static Path unpack(Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        Process p = new ProcessBuilder("tar", "-xzf", TAR.toString(), "-C", into.toString()).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("tar -xzf " + TAR + " failed");
        }
        return into.resolve("img-bundle");
    }
}
