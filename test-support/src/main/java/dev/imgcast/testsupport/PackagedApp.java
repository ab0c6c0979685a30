package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A packaged application (a Quarkus fast-jar {@code quarkus-run.jar}, the img jar, or any
 * {@code java -jar}) started as its own process for a test, optionally inside a lab host's
 * network namespace. Its output goes to a log file; {@link Builder#start()} waits until it is
 * ready (a line in its log, or HTTP 200 from a health URL) and fails with the tail of that log
 * when it exits first or is not ready in time. The one launcher of packaged services of every
 * module's tests.
 */
public final class PackagedApp implements AutoCloseable {
    /** What a Quarkus application logs once it listens. */
    public static final String QUARKUS_STARTED = " started in ";

    private final String name;
    private final Process process;
    private final Path log;

    private PackagedApp(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** A launch of the jar {@code jar}, called {@code name} in messages. */
    public static Builder jar(String name, Path jar) {
        return new Builder(name, jar);
    }

    /**
     * The packaged application a build passed to the tests as system property
     * {@code imgcast.app.<module>} (the pom of the module with the tests names the path, and
     * declares the dependency that makes the reactor build it first).
     */
    public static Builder app(String module) {
        String property = "imgcast.app." + module;
        String path = System.getProperty(property);
        assertTrue(path != null, "system property " + property + " is not set: the build passes the path of "
                + module + "'s package (see the pom of this module)");
        return jar(module, Path.of(path));
    }

    /** The log so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public Path logFile() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no clean shutdown. Returns the exit status (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), name + " did not die of SIGKILL in 30 s");
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** How to start it; {@link #start()} launches and waits. */
    public static final class Builder {
        private final String name;
        private final Path jar;
        private final List<String> jvm = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private String namespace;
        private Path log;
        private Duration timeout = Duration.ofSeconds(90);
        private String readyLine = QUARKUS_STARTED;
        private URI readyUrl;

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar.toAbsolutePath();
        }

        /** Runs it in this network namespace ({@code ip netns exec}); default: the test's own. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** JVM options, e.g. {@code -Xmx256m}. */
        public Builder jvm(String... options) {
            jvm.addAll(List.of(options));
            return this;
        }

        /** A system property ({@code -Dkey=value}). */
        public Builder property(String key, Object value) {
            properties.put(key, String.valueOf(value));
            return this;
        }

        /** Several system properties, written {@code key=value}. */
        public Builder properties(String... keyValues) {
            for (String kv : keyValues) {
                int eq = kv.indexOf('=');
                assertTrue(eq > 0, "not key=value: " + kv);
                properties.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Words after the jar (a command line). */
        public Builder args(String... words) {
            args.addAll(List.of(words));
            return this;
        }

        /** Where its output goes; default a temporary file. */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Ready once its log contains this line (default: Quarkus's "started in"). */
        public Builder readyWhenLogContains(String text) {
            this.readyLine = text;
            this.readyUrl = null;
            return this;
        }

        /** Ready once this URL answers 200, e.g. {@code http://127.0.0.1:PORT/q/health/ready}. */
        public Builder readyWhenHealthy(String url) {
            this.readyUrl = URI.create(url);
            this.readyLine = null;
            return this;
        }

        /** The command line it runs. */
        public List<String> command() {
            List<String> cmd = new ArrayList<>();
            if (namespace != null) {
                cmd.addAll(List.of("ip", "netns", "exec", namespace));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvm);
            properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(List.of("-jar", jar.toString()));
            cmd.addAll(args);
            return cmd;
        }

        /** Starts it and waits until it is ready; fails with its log's tail if it is not. */
        public PackagedApp start() throws IOException {
            assertTrue(Files.isRegularFile(jar), jar + " is missing: build " + name + " first (./mvnw verify does)");
            Path out = log != null ? log : Files.createTempFile(name, ".log");
            ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            PackagedApp app = new PackagedApp(name, pb.start(), out);
            Callable<Boolean> ready = readyUrl != null ? () -> answers200(readyUrl) : () -> app.log().contains(readyLine);
            try {
                Waits.upTo(timeout).until(() -> {
                    if (!app.isAlive()) {
                        throw new AssertionError(name + " exited with status " + app.process.exitValue()
                                + " before it was ready; its log ends:\n" + LogTail.of(app.log(), 60));
                    }
                    return ready.call();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                app.killQuietly();
                throw new AssertionError(name + " was not ready in " + timeout.toSeconds() + " s; its log ends:\n"
                        + LogTail.of(app.log(), 60));
            } catch (AssertionError | RuntimeException e) {
                app.killQuietly();
                throw e;
            }
            return app;
        }
    }

    private void killQuietly() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static boolean answers200(URI url) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;  // not listening yet
        }
    }
}
