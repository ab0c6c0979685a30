package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A packaged Quarkus service (quarkus-run.jar) started for a test, optionally in a lab host. */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code namespace} null: the root namespace. Waits until the log says it started. */
    public static ServiceProcess start(String module, String namespace, Path log, String... properties)
            throws Exception {
        Path jar = Path.of("../" + module + "/target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), jar + " is missing: build " + module + " first (./mvnw verify does)");
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            cmd.addAll(List.of("ip", "netns", "exec", namespace));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(List.of(properties));
        cmd.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess service = new ServiceProcess(p, log);
        long end = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains(" started in ")) {
                return service;
            }
            if (!p.isAlive()) {
                fail(module + " exited: " + text);
            }
            Thread.sleep(200);
        }
        service.close();
        fail(module + " did not start in 90 s: " + Files.readString(log));
        return null;
    }

    public String log() throws java.io.IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no clean shutdown. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
