package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defects in where and how the workloads run: host network, site, resources, volumes, replicas, images. */
class PlacementDefectsTest extends ManifestsFixture {
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
    void imagesOutsideTheVolumeAreReported() throws IOException {
        Rendering r = defect("images-dir", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - IMGCAST_IMAGES_DIR=/deployments/data/images")));
        assertReported(wiringProblems(r),
                "StatefulSet/image-store: IMGCAST_IMAGES_DIR /deployments/data/images is not the mount path of a volumeClaimTemplate");
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
}
