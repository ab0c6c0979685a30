package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the manifest tests share: the Kubernetes deployment rendered offline, {@code kubectl kustomize}
 * on the base and on every overlay (a copy of k8s/ in a temporary directory, where each overlay's missing
 * env file is made from its {@code .example}: the production overlay's secrets.env is never needed in the
 * working tree), and the helpers that render copies with one deliberate defect each.
 *
 * <p>Each test class gets its own copy of the tree ({@code @TempDir}, {@code @BeforeAll}); the renderings
 * and validations of base and overlays are kept for the whole run, as every copy renders the same.
 */
abstract class ManifestsFixture {
    /** The module directory (surefire passes it; run elsewhere, the working directory or its k8s/). */
    static final Path K8S = k8sDir();

    @TempDir
    static Path tmp;
    static Path tree;
    static Kustomize kustomize;
    static final Map<String, Rendering> RENDERED = new HashMap<>();
    static final Map<String, Tools.Result> VALIDATED = new HashMap<>();

    static Path k8sDir() {
        String configured = System.getProperty("imgcast.k8s.dir");
        Path here = Path.of(configured != null ? configured : ".").toAbsolutePath().normalize();
        if (configured == null && !Files.isDirectory(here.resolve("base")) && Files.isDirectory(here.resolve("k8s/base"))) {
            here = here.resolve("k8s");
        }
        return here;
    }

    @BeforeAll
    static void copyTheTree() throws IOException {
        assertTrue(Files.isRegularFile(K8S.resolve("base/kustomization.yaml")), "not the k8s module: " + K8S);
        kustomize = Kustomize.find();
        tree = tmp.resolve("k8s");
        for (String dir : List.of("base", "components", "overlays")) {
            copy(K8S.resolve(dir), tree.resolve(dir));
        }
        // each overlay's secrets come from an env file; a missing one (production's secrets.env,
        // ignored by git) is made from its committed example
        try (Stream<Path> files = Files.walk(tree.resolve("overlays"))) {
            for (Path example : files.filter(f -> f.getFileName().toString().endsWith(".example")).toList()) {
                Path real = example.resolveSibling(example.getFileName().toString().replaceFirst("\\.example$", ""));
                if (!Files.exists(real)) {
                    Files.copy(example, real);
                }
            }
        }
    }

    /** Copies a directory, leaving out real secrets (secrets.env) that a developer may have there. */
    static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!file.getFileName().toString().equals("secrets.env")) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** base, then every overlay (a directory of k8s/overlays with a kustomization.yaml). */
    static Stream<String> kustomizations() throws IOException {
        List<String> all = new ArrayList<>();
        all.add("base");
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> "overlays/" + d.getFileName()).sorted().forEach(all::add);
        }
        return all.stream();
    }

    static Wiring.Expect expectFor(String kustomization) {
        return switch (kustomization) {
            case "base" -> Wiring.Expect.BASE;
            case "overlays/production" -> new Wiring.Expect(true, 2, true);
            default -> new Wiring.Expect(true, 1, false);
        };
    }

    static synchronized Rendering rendered(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, k -> new Rendering(k, kustomize.render(tree.resolve(k))));
    }

    static synchronized Tools.Result validated(String kustomization) {
        return VALIDATED.computeIfAbsent(kustomization, k -> validator().validate(rendered(k).yaml));
    }

    static SchemaValidator validator() {
        return SchemaValidator.in(K8S.resolve("validate"));
    }

    // ------------------------------------------------------------------ copies with one defect each

    /** A kustomization of its own (defects/NAME: its files; it names the overlay it changes), rendered. */
    static Rendering defect(String name, Map<String, String> files) throws IOException {
        Path dir = tree.resolve("defects").resolve(name);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        if (!files.containsKey("kustomization.yaml")) {
            fail("a defect needs a kustomization.yaml");
        }
        return new Rendering(name, kustomize.render(dir));
    }

    static String kustomization(String on, String... lines) {
        return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../" + on + "\n"
                + String.join("\n", lines) + "\n";
    }

    static List<String> wiringProblems(Rendering r, Wiring.Expect expect) {
        return Wiring.check(r, expect).problems();
    }

    static List<String> wiringProblems(Rendering r) {
        return wiringProblems(r, new Wiring.Expect(true, 1, false));
    }

    static void assertReported(List<String> problems, String... fragments) {
        boolean found = problems.stream().anyMatch(p -> Arrays.stream(fragments).allMatch(p::contains));
        assertTrue(found, "expected a problem with " + Arrays.toString(fragments) + ", got:\n" + String.join("\n", problems));
    }

    /** A strategic merge patch of the session-service container: {@code fields} as YAML at the container's level. */
    static String sessionContainerPatch(String fields) {
        List<String> lines = fields.lines().filter(l -> !l.isBlank()).toList();
        int common = lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String indented = lines.stream().map(l -> "          " + l.substring(common)).collect(Collectors.joining("\n"));
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: session-service
                spec:
                  template:
                    spec:
                      containers:
                        - name: session-service
                """ + indented + "\n";
    }
}
