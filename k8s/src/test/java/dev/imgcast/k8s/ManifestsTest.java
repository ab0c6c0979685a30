package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes deployment, rendered offline: {@code kubectl kustomize} on the base and on every
 * overlay (a copy of k8s/ in a temporary directory, where each overlay's missing env file is made
 * from its {@code .example}: the production overlay's secrets.env is never needed in the working
 * tree), every document validated against the Kubernetes schemas (k8s/validate), checked for
 * unknown fields ({@link Strict}) and for how the parts are wired together ({@link Wiring}).
 * What the overlays add is in {@link OverlaysTest}; copies with one deliberate defect each show that
 * every check can fail, and says why: {@link SchemaDefectsTest}, {@link SecurityDefectsTest},
 * {@link ConnectionDefectsTest}, {@link PlacementDefectsTest}.
 */
class ManifestsTest extends ManifestsFixture {
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
    void aMissingKubectlFailsNamingWhatToInstall() {
        AssertionError e = assertThrows(AssertionError.class, () -> Kustomize.at(tmp.resolve("no-such/kubectl")));
        assertTrue(e.getMessage().contains("kubectl not found") && e.getMessage().contains("install kubectl 1.27"), e.getMessage());
        assertTrue(Kustomize.atLeast("v1.32.4-dispatcher", 1, 27));
        assertTrue(Kustomize.atLeast("v5.5.0", 5, 0));
        assertFalse(Kustomize.atLeast("v4.5.7", 5, 0));
        assertFalse(Kustomize.atLeast("v1.26.3", 1, 27));
    }
}
