package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes deployment, rendered offline: {@code kubectl kustomize} on the base and on every
 * overlay (a copy of k8s/ in a temporary directory, where each overlay's missing env file is made
 * from its {@code .example}: the production overlay's secrets.env is never needed in the working
 * tree), every document validated against the Kubernetes schemas (k8s/validate), checked for
 * unknown fields ({@link Strict}) and for how the parts are wired together ({@link Wiring}).
 * Then copies with one deliberate defect each show that every check can fail, and says why.
 */
class ManifestsTest {
    /** The module directory (surefire passes it; run elsewhere, the working directory or its k8s/). */
    private static final Path K8S = k8sDir();

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

    // ------------------------------------------------------------------ the committed manifests

    @Test
    void baseAndBothOverlaysAreThere() throws IOException {
        assertEquals(List.of("base", "overlays/lab", "overlays/production"), kustomizations().toList());
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersWithEveryPart(String kustomization) {
        Rendering r = rendered(kustomization);
        Set<String> ids = r.docs.stream().map(Rendering::id).collect(Collectors.toCollection(TreeSet::new));
        for (String expected : List.of("Namespace/imgcast", "StatefulSet/postgres", "Service/postgres", "StatefulSet/rabbitmq",
                "Service/rabbitmq", "Deployment/session-service", "Service/session-service", "StatefulSet/image-store",
                "Service/image-store", "Deployment/multicast-sender")) {
            assertTrue(ids.contains(expected), kustomization + " lacks " + expected + ": " + ids);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void matchesTheKubernetesSchemas(String kustomization) {
        Tools.Result v = validated(kustomization);
        assertEquals(0, v.exitCode(), kustomization + " has invalid documents:\n" + v.all());
        long ok = v.stdout().lines().filter(l -> l.startsWith("ok ")).count();
        assertEquals(rendered(kustomization).docs.size(), ok, "one ok line per document:\n" + v.stdout());
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void hasNoUnknownFields(String kustomization) {
        List<String> unknown = Strict.unknownFields(rendered(kustomization));
        assertTrue(unknown.isEmpty(), kustomization + ":\n" + String.join("\n", unknown));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void isWired(String kustomization) {
        Wiring.Report report = Wiring.check(rendered(kustomization), expectFor(kustomization));
        assertTrue(report.problems().isEmpty(), kustomization + ":\n" + String.join("\n", report.problems()));
    }

    /** The base refers to one Secret the overlays generate: every env file provides exactly its keys. */
    @Test
    void everyOverlayProvidesTheSecretKeysTheBaseUses() throws IOException {
        Map<String, Set<String>> external = Wiring.check(rendered("base"), Wiring.Expect.BASE).externalSecretKeys();
        assertEquals(Set.of(Wiring.SECRETS), external.keySet(), "the base refers to these Secrets only");
        Set<String> needed = external.get(Wiring.SECRETS);
        assertEquals(Set.of("postgres-password", "rabbitmq-username", "rabbitmq-password", "admin-password", "enrollment-token",
                "reader-password"), needed);
        for (Path env : List.of(K8S.resolve("overlays/lab/secrets.lab.env"), K8S.resolve("overlays/production/secrets.env.example"))) {
            Set<String> keys = Files.readAllLines(env).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(needed), keys, env + " must list exactly the keys the base uses");
        }
        for (String overlay : List.of("overlays/lab", "overlays/production")) {
            List<JsonNode> secrets = new ArrayList<>(rendered(overlay).ofKind("Secret"));
            assertEquals(1, secrets.size(), overlay);
            assertTrue(Rendering.name(secrets.get(0)).matches(Wiring.SECRETS + "-[a-z0-9]{10}"),
                    "generated, with the hash suffix that rolls the pods on a change: " + Rendering.name(secrets.get(0)));
        }
    }

    @Test
    void productionRunsSeveralRegistriesPinnedImagesAndPodMonitors() {
        Rendering prod = rendered("overlays/production");
        JsonNode session = prod.find("Deployment", "session-service").orElseThrow();
        assertTrue(session.path("spec").path("replicas").asInt() >= 2, "session-service replicas");
        assertEquals("LoadBalancer", prod.find("Service", "session-service").orElseThrow().path("spec").path("type").asText(),
                "the devices outside the cluster reach session-service");
        assertEquals(Set.of("session-service", "image-store", "multicast-sender"),
                prod.ofKind("PodMonitor").stream().map(Rendering::name).collect(Collectors.toSet()));
        for (String svc : Wiring.SERVICES) {
            String image = Rendering.container(prod.workload(svc).orElseThrow(), svc).orElseThrow().path("image").asText();
            assertTrue(image.endsWith("/imgcast/" + svc + ":0.1.0"), image);
        }
        JsonNode sender = Rendering.podSpec(prod.workload("multicast-sender").orElseThrow());
        assertEquals("hall-a", sender.path("nodeSelector").path(Wiring.SITE_LABEL).asText());
        assertEquals(1, prod.workload("image-store").orElseThrow().path("spec").path("replicas").asInt());
    }

    /**
     * The images the base names are the ones the Maven build makes: each service module's
     * {@code container-image} profile builds {@code imgcast/<module>:<version>} from its
     * {@code src/main/docker/Dockerfile.jvm}, which copies the fast-jar layout and exposes the
     * port the manifests probe and scrape.
     */
    @Test
    void theImagesAreTheOnesTheMavenBuildMakes() throws IOException {
        Rendering base = rendered("base");
        Path root = K8S.getParent();
        // the project's version: the first <version> of the root pom (it has no parent)
        String version = java.util.regex.Pattern.compile("<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml"))).results().map(m -> m.group(1)).findFirst()
                .orElseThrow();
        for (String svc : Wiring.SERVICES) {
            String pom = Files.readString(root.resolve(svc).resolve("pom.xml"));
            assertTrue(pom.contains("<id>container-image</id>"), svc + ": no container-image profile");
            assertTrue(pom.contains("<artifactId>quarkus-container-image-docker</artifactId>"), svc);
            assertTrue(pom.contains("<quarkus.container-image.group>imgcast</quarkus.container-image.group>"), svc);
            assertTrue(pom.contains("<quarkus.container-image.name>" + svc + "</quarkus.container-image.name>"), svc);
            assertTrue(pom.contains("<quarkus.container-image.tag>${project.version}</quarkus.container-image.tag>"), svc);
            JsonNode container = Rendering.container(base.workload(svc).orElseThrow(), svc).orElseThrow();
            assertEquals("imgcast/" + svc + ":" + version, container.path("image").asText(), svc + ": the image");
            String dockerfile = Files.readString(root.resolve(svc).resolve("src/main/docker/Dockerfile.jvm"));
            for (String part : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                    "target/quarkus-app/quarkus/")) {
                assertTrue(dockerfile.contains("COPY --chown=185 " + part), svc + ": the Dockerfile copies " + part);
            }
            int port = container.path("ports").get(0).path("containerPort").asInt();
            assertTrue(dockerfile.contains("\nEXPOSE " + port + "\n"), svc + ": the Dockerfile exposes " + port);
            String properties = Files.readString(root.resolve(svc).resolve("src/main/resources/application.properties"));
            assertTrue(properties.contains("quarkus.http.port=" + port + "\n"), svc + " listens on " + port);
        }
    }

    @Test
    void labIsSmallAndReachableThroughNodePorts() {
        Rendering lab = rendered("overlays/lab");
        assertEquals(1, lab.find("Deployment", "session-service").orElseThrow().path("spec").path("replicas").asInt());
        JsonNode svc = lab.find("Service", "session-service").orElseThrow().path("spec");
        assertEquals("NodePort", svc.path("type").asText());
        assertEquals(30081, svc.path("ports").get(0).path("nodePort").asInt());
        assertEquals("lab", Rendering.podSpec(lab.workload("multicast-sender").orElseThrow()).path("nodeSelector")
                .path(Wiring.SITE_LABEL).asText());
        assertTrue(lab.ofKind("PodMonitor").isEmpty(), "the lab needs no Prometheus Operator");
        for (JsonNode w : lab.workloads()) {
            for (JsonNode c : Rendering.containers(w)) {
                assertTrue(Wiring.quantity(c.path("resources").path("requests").path("cpu").asText())
                        .compareTo(Wiring.quantity("100m")) <= 0, Rendering.id(w) + " requests little CPU in the lab");
            }
        }
    }

    @Test
    void quantitiesCompareLikeKubernetes() {
        assertEquals(0, Wiring.quantity("250m").compareTo(Wiring.quantity("0.25")));
        assertEquals(0, Wiring.quantity("1Gi").compareTo(Wiring.quantity("1024Mi")));
        assertTrue(Wiring.quantity("512Mi").compareTo(Wiring.quantity("512M")) > 0);
        assertEquals(0, Wiring.quantity("1e3").compareTo(Wiring.quantity("1k")));
        assertEquals(null, Wiring.quantity("lots"));
    }

    @Test
    void aMissingKubectlFailsNamingWhatToInstall() {
        AssertionError e = assertThrows(AssertionError.class, () -> Kustomize.at(tmp.resolve("no-such/kubectl")));
        assertTrue(e.getMessage().contains("kubectl not found") && e.getMessage().contains("install kubectl 1.27"), e.getMessage());
        assertTrue(Kustomize.atLeast("v1.32.4-dispatcher", 1, 27));
        assertTrue(Kustomize.atLeast("v5.5.0", 5, 0));
        assertFalse(Kustomize.atLeast("v4.5.7", 5, 0));
        assertFalse(Kustomize.atLeast("v1.26.3", 1, 27));
    }

    // ------------------------------------------------------------------ each check can fail

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

    @Test
    void aContainerPortAsAStringFailsTheSchema() throws IOException {
        Rendering r = defect("port-as-string", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "patches:", "  - target: {kind: Deployment, name: session-service}", "    patch: |-",
                "      - op: replace", "        path: /spec/template/spec/containers/0/ports/0/containerPort",
                "        value: \"8081\"")));
        assertTrue(r.yaml.contains("containerPort: \"8081\""), "the defect is in the rendering");
        Tools.Result v = validator().validate(r.yaml);
        assertEquals(1, v.exitCode(), v.all());
        assertTrue(v.stdout().lines().anyMatch(l -> l.startsWith("INVALID apps/v1 Deployment session-service")
                && l.contains("/spec/template/spec/containers/0/ports/0/containerPort must be integer")), v.stdout());
        assertReported(wiringProblems(r), "Deployment/session-service container session-service", "containerPort \"8081\" is not a number");
    }

    @Test
    void anUnknownKindFailsTheSchema() throws IOException {
        Rendering r = defect("unknown-kind", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "  - extra.yaml"), "extra.yaml", """
                        apiVersion: imgcast.dev/v1
                        kind: ImagingNetwork
                        metadata:
                          name: hall-a
                        """));
        Tools.Result v = validator().validate(r.yaml);
        assertEquals(1, v.exitCode(), v.all());
        assertTrue(v.stdout().contains("INVALID imgcast.dev/v1 ImagingNetwork hall-a: unknown apiVersion/kind"), v.stdout());
    }

    @Test
    void aMissingReadinessProbeIsReported() throws IOException {
        Rendering r = defect("no-readiness", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"),
                "patch.yaml", sessionContainerPatch("readinessProbe: null")));
        assertEquals(0, validator().validate(r.yaml).exitCode(), "valid for the schema: a probe is optional there");
        assertReported(wiringProblems(r), "Deployment/session-service container session-service: no readinessProbe");
    }

    /** The schema lets unknown fields through; the strict check does not. */
    @Test
    void aMisspeltFieldPassesTheSchemaButNotTheStrictCheck() throws IOException {
        Rendering r = defect("misspelt", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "patches:", "  - target: {kind: Deployment, name: session-service}", "    patch: |-",
                "      - op: move", "        from: /spec/template/spec/containers/0/readinessProbe",
                "        path: /spec/template/spec/containers/0/readinesProbe")));
        Tools.Result v = validator().validate(r.yaml);
        assertEquals(0, v.exitCode(), "the documented limit of the schema validator:\n" + v.all());
        assertReported(Strict.unknownFields(r), "Deployment/session-service: unknown field spec.template.spec.containers[0].readinesProbe");
        assertReported(wiringProblems(r), "session-service: no readinessProbe");
    }

    @Test
    void aProbeOnAnUndeclaredPortIsReported() throws IOException {
        Rendering r = defect("probe-port", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", sessionContainerPatch("""
                              livenessProbe:
                                httpGet:
                                  port: 9999
                        """)));
        assertReported(wiringProblems(r), "container session-service: livenessProbe port 9999 is not a declared containerPort");
    }

    @Test
    void aRenamedSecretKeyIsReported() throws IOException {
        Path copy = tree.resolve("defects/secret-key-renamed");
        copy(tree.resolve("overlays/lab"), copy);
        Path env = copy.resolve("secrets.lab.env");
        Files.writeString(env, Files.readString(env).replace("admin-password=", "admin-passwd="));
        Rendering r = new Rendering("secret-key-renamed", kustomize.render(copy));
        String secret = Rendering.name(r.ofKind("Secret").get(0));
        assertReported(wiringProblems(r), "Deployment/session-service container session-service env IMGCAST_ADMIN_PASSWORD",
                "Secret " + secret + " has no key admin-password");
        assertReported(wiringProblems(r), "StatefulSet/image-store", "has no key admin-password");
    }

    @Test
    void aLiteralPasswordIsReported() throws IOException {
        Rendering r = defect("literal-password", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", sessionContainerPatch("""
                              env:
                                - name: IMGCAST_ADMIN_PASSWORD
                                  value: hunter2
                                  valueFrom: null
                        """)));
        assertTrue(r.yaml.contains("value: hunter2"), "the defect is in the rendering");
        assertReported(wiringProblems(r), "env IMGCAST_ADMIN_PASSWORD: literal value");
        assertReported(wiringProblems(r), "env IMGCAST_ADMIN_PASSWORD: a credential from a literal value, not from a secretKeyRef");
    }

    @Test
    void aCredentialInAConfigMapIsReported() throws IOException {
        Rendering r = defect("token-in-configmap", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: multicast-sender-config", "    behavior: merge", "    literals:",
                "      - IMGCAST_IMAGE_STORE_PASSWORD=reader")));
        assertReported(wiringProblems(r), "ConfigMap/multicast-sender-config-", "key IMGCAST_IMAGE_STORE_PASSWORD looks like a credential");
    }

    @Test
    void aSenderOffTheHostNetworkIsReported() throws IOException {
        Rendering r = defect("sender-off-host", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: multicast-sender
                        spec:
                          template:
                            spec:
                              hostNetwork: false
                              dnsPolicy: ClusterFirst
                              affinity: null
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "Deployment/multicast-sender: hostNetwork is not true");
        assertReported(problems, "Deployment/multicast-sender: dnsPolicy is not ClusterFirstWithHostNet");
        assertReported(problems, "Deployment/multicast-sender: no required podAntiAffinity on kubernetes.io/hostname");
    }

    @Test
    void anUnnamedSiteAndInterfaceAreReportedForAnOverlay() throws IOException {
        Path dir = tree.resolve("defects/no-site");
        Files.createDirectories(dir);
        Files.copy(tree.resolve("overlays/lab/secrets.lab.env"), dir.resolve("secrets.env"));
        Rendering r = defect("no-site", Map.of("kustomization.yaml", kustomization("base",
                "secretGenerator:", "  - name: imgcast-secrets", "    envs: [secrets.env]")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "Deployment/multicast-sender: the site label imgcast.dev/site is still 'set-in-overlay'");
        assertReported(problems, "container multicast-sender: required setting IMGCAST_SENDER_INTERFACE is empty");
        assertTrue(wiringProblems(rendered("base"), Wiring.Expect.BASE).isEmpty(), "the base may leave both to the overlay");
    }

    @Test
    void aRequestAboveItsLimitIsReported() throws IOException {
        Rendering r = defect("request-above-limit", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata:
                          name: postgres
                        spec:
                          template:
                            spec:
                              containers:
                                - name: postgres
                                  resources:
                                    requests:
                                      memory: 2Gi
                                    limits:
                                      cpu: null
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "StatefulSet/postgres container postgres: memory request 2Gi is above its limit 512Mi");
        assertReported(problems, "StatefulSet/postgres container postgres limits.cpu is not set");
    }

    @Test
    void aServiceSelectingNothingIsReported() throws IOException {
        Rendering r = defect("selector-typo", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: image-store
                        spec:
                          selector:
                            app.kubernetes.io/name: image-stor
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "Service/image-store: selector", "selects the pods of no workload");
        assertReported(problems, "Deployment/multicast-sender IMGCAST_IMAGE_STORE_URL");
    }

    @Test
    void aScrapeAnnotationOnAnotherPortIsReported() throws IOException {
        Rendering r = defect("scrape-port", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata:
                          name: image-store
                        spec:
                          template:
                            metadata:
                              annotations:
                                prometheus.io/port: "9000"
                                prometheus.io/path: /metrics
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "StatefulSet/image-store container image-store: "
            + "pod annotation prometheus.io/port '9000' is not a declared containerPort");
        assertReported(problems, "pod annotation prometheus.io/path '/metrics', expected /q/metrics");
    }

    @Test
    void aPodMonitorOnAnUndeclaredPortIsReported() throws IOException {
        Rendering r = defect("monitor-port", Map.of("kustomization.yaml",
                kustomization("overlays/production", "patches:", "  - target: {kind: PodMonitor, name: multicast-sender}",
                        "    patch: |-", "      - op: replace", "        path: /spec/podMetricsEndpoints/0/port",
                        "        value: metrics")));
        List<String> problems = wiringProblems(r, new Wiring.Expect(true, 2, true));
        assertReported(problems, "PodMonitor/multicast-sender: "
            + "port metrics is not a declared containerPort of Deployment/multicast-sender");
        assertReported(problems, "multicast-sender: no PodMonitor or ServiceMonitor scrapes its /q/metrics");
    }

    @Test
    void imagesOutsideTheVolumeAreReported() throws IOException {
        Rendering r = defect("images-dir", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - IMGCAST_IMAGES_DIR=/deployments/data/images")));
        assertReported(wiringProblems(r),
                "StatefulSet/image-store: IMGCAST_IMAGES_DIR /deployments/data/images is not the mount path of a volumeClaimTemplate");
    }

    @Test
    void aSharedFlywayHistoryIsReported() throws IOException {
        Rendering r = defect("shared-history", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgres:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_FLYWAY_SCHEMAS=images")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "image-store QUARKUS_DATASOURCE_JDBC_URL: currentSchema sessions is not the Flyway schema images");
        Rendering shared = defect("shared-history-2", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgres:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_FLYWAY_SCHEMAS=sessions")));
        assertReported(wiringProblems(shared), "image-store and session-service share the database and schema imgcast/sessions");
    }

    @Test
    void aDatasourceAimedElsewhereIsReported() throws IOException {
        Rendering r = defect("jdbc-elsewhere", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: session-service-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgresql:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_DATASOURCE_USERNAME=postgres")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "session-service QUARKUS_DATASOURCE_JDBC_URL: host postgresql is no Service of this rendering");
        Rendering user = defect("jdbc-user", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: session-service-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_USERNAME=postgres")));
        assertReported(wiringProblems(user),
                "session-service QUARKUS_DATASOURCE_USERNAME postgres, but StatefulSet/postgres creates the user imgcast");
    }

    @Test
    void mismatchedCredentialsAreReported() throws IOException {
        Rendering r = defect("wrong-key", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: multicast-sender
                        spec:
                          template:
                            spec:
                              containers:
                                - name: multicast-sender
                                  env:
                                    - name: IMGCAST_IMAGE_STORE_PASSWORD
                                      valueFrom:
                                        secretKeyRef:
                                          key: admin-password
                        """));
        assertReported(wiringProblems(r), "Deployment/multicast-sender: IMGCAST_IMAGE_STORE_PASSWORD comes from Secret",
                "key admin-password but image-store takes IMGCAST_READER_PASSWORD from Secret", "key reader-password");
    }

    @Test
    void productionWithOneRegistryIsReported() throws IOException {
        Rendering r = defect("one-registry", Map.of("kustomization.yaml", kustomization(
                "overlays/production", "replicas:", "  - name: session-service", "    count: 1")));
        assertReported(wiringProblems(r, expectFor("overlays/production")),
                "Deployment/session-service: 1 replica(s), expected at least 2");
    }

    @Test
    void anImageOtherThanTheBuiltOneIsReported() throws IOException {
        Rendering r = defect("other-image", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "images:", "  - name: imgcast/image-store", "    newName: imgcast/imagestore", "  - name: imgcast/session-service",
                "    newTag: latest")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "image imgcast/imagestore:0.1.0-SNAPSHOT is not imgcast/image-store");
        assertReported(problems, "image imgcast/session-service:latest is not pinned");
    }

    @Test
    void anInsecureContainerIsReported() throws IOException {
        Rendering r = defect("insecure", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", sessionContainerPatch("""
                              securityContext:
                                allowPrivilegeEscalation: true
                                runAsNonRoot: false
                                capabilities:
                                  add: ["NET_ADMIN"]
                        """)));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "container session-service: runAsNonRoot is not true");
        assertReported(problems, "container session-service: allowPrivilegeEscalation is not false");
        assertReported(problems, "container session-service: adds capabilities [\"NET_ADMIN\"]");
    }
}
