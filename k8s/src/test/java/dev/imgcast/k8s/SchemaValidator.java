package dev.imgcast.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * k8s/validate/validate.mjs: every rendered document checked against the Kubernetes OpenAPI
 * schemas (kubernetes-models, @kubernetes-models/prometheus-operator; ajv validators). Installs
 * its packages with {@code npm ci} from the committed package-lock.json when node_modules is
 * missing or older than the lock file.
 */
final class SchemaValidator {
    private static boolean installed;

    private final Path dir;
    private final Path node;

    private SchemaValidator(Path dir, Path node) {
        this.dir = dir;
        this.node = node;
    }

    static synchronized SchemaValidator in(Path validateDir) {
        Path node = Tools.locate("NODE", "node", Tools.NODE_HINT, "/usr/bin/node", "/usr/local/bin/node");
        if (!installed) {
            Path marker = validateDir.resolve("node_modules/.package-lock.json");
            Path lock = validateDir.resolve("package-lock.json");
            try {
                if (!Files.exists(lock)) {
                    throw new AssertionError(lock + " is missing: it pins the validator's packages");
                }
                if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0) {
                    Path npm = Tools.locate("NPM", "npm", Tools.NODE_HINT, "/usr/bin/npm", "/usr/local/bin/npm");
                    Tools.Result r = Tools.run(List.of(npm.toString(), "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                            "--loglevel=error"), validateDir, null, 600);
                    if (r.exitCode() != 0) {
                        throw new AssertionError("npm ci in " + validateDir + " failed (" + r.exitCode()
                                + "; it needs the npm registry once):\n" + r.all().strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            installed = true;
        }
        return new SchemaValidator(validateDir, node);
    }

    /** Exit code 0 and one "ok" line per document when every document is valid. */
    Tools.Result validate(String yaml) {
        return Tools.run(List.of(node.toString(), "validate.mjs"), dir, yaml, 120);
    }
}
