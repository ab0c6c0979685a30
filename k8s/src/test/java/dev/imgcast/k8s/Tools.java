package dev.imgcast.k8s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The external programs of the test: kubectl (kustomize) and Node.js/npm (the schema validator in
 * k8s/validate). Each is looked up once; a missing one fails the test with what to install.
 */
final class Tools {
    /** kubectl ≥ 1.27 carries kustomize v5 (components, labels, replacements as used here). */
    static final String KUBECTL_HINT = "install kubectl 1.27 or newer (it contains kustomize v5; "
            + "e.g. the Debian/Ubuntu package kubectl from the Kubernetes apt repository pkgs.k8s.io), "
            + "or point the environment variable KUBECTL at it";
    static final String NODE_HINT = "install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm), "
            + "or point the environment variables NODE and NPM at them";

    private Tools() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + (stderr.isBlank() ? "" : "\n" + stderr);
        }
    }

    /** Runs a program to its end (at most {@code timeoutSeconds}), feeding {@code stdin}. */
    static Result run(List<String> command, Path workDir, String stdin, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = pb.environment();
        env.put("NO_UPDATE_NOTIFIER", "1"); // npm: no look-up of its own newest version
        env.put("npm_config_update_notifier", "false");
        env.put("npm_config_fund", "false");
        env.put("npm_config_audit", "false");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the program may exit without reading its input; its exit code tells
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command.get(0), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                return b.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        });
    }

    /** An executable: the environment variable if set, else the first of the candidates found. */
    static Path locate(String envVar, String program, String hint, String... candidates) {
        String configured = System.getenv(envVar);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new AssertionError(envVar + "=" + configured + " is not an executable: " + hint);
            }
            return p;
        }
        List<Path> tried = new ArrayList<>();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                tried.add(Path.of(dir, program));
            }
        }
        for (String c : candidates) {
            tried.add(Path.of(c));
        }
        for (Path p : tried) {
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError(program + " not found (looked in PATH and " + String.join(", ", candidates)
                + "): " + hint);
    }
}
