package dev.imgcast.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders a kustomization with {@code kubectl kustomize DIR}: offline, no cluster involved. */
final class Kustomize {
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");
    private static volatile Path checked;

    private final Path kubectl;

    private Kustomize(Path kubectl) {
        this.kubectl = kubectl;
    }

    /** The kubectl of $KUBECTL, the PATH or /usr/bin, checked once: client ≥ 1.27, kustomize ≥ v5. */
    static Kustomize find() {
        Path k = Tools.locate("KUBECTL", "kubectl", Tools.KUBECTL_HINT, "/usr/bin/kubectl", "/usr/local/bin/kubectl");
        return at(k);
    }

    static Kustomize at(Path k) {
        if (!java.nio.file.Files.isExecutable(k)) {
            throw new AssertionError("kubectl not found at " + k + ": " + Tools.KUBECTL_HINT);
        }
        if (!k.equals(checked)) {
            Tools.Result v = Tools.run(List.of(k.toString(), "version", "--client", "-o", "json"), Path.of("."), null, 60);
            if (v.exitCode() != 0) {
                throw new AssertionError(k + " version --client failed (" + v.exitCode() + "): " + v.all().strip()
                        + "\n" + Tools.KUBECTL_HINT);
            }
            try {
                JsonNode info = new ObjectMapper().readTree(v.stdout());
                String client = info.path("clientVersion").path("gitVersion").asText();
                String kustomize = info.path("kustomizeVersion").asText();
                if (!atLeast(client, 1, 27) || !atLeast(kustomize, 5, 0)) {
                    throw new AssertionError(k + " is kubectl " + client + " with kustomize " + kustomize
                            + "; the manifests need kubectl ≥ 1.27 (kustomize ≥ v5): " + Tools.KUBECTL_HINT);
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read the output of " + k + " version: " + v.stdout(), e);
            }
            checked = k;
        }
        return new Kustomize(k);
    }

    static boolean atLeast(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version == null ? "" : version);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || (ma == major && mi >= minor);
    }

    /** The rendered multi-document YAML of the kustomization in {@code dir}; a failure is an AssertionError. */
    String render(Path dir) {
        Tools.Result r = Tools.run(List.of(kubectl.toString(), "kustomize", dir.toString()), dir, null, 120);
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed (" + r.exitCode() + "):\n" + r.all().strip());
        }
        return r.stdout();
    }
}
