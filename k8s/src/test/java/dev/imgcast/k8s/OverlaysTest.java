package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the overlays add to the base: the Secret it refers to, the production and lab settings. */
class OverlaysTest extends ManifestsFixture {
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
                assertTrue(ResourceChecks.quantity(c.path("resources").path("requests").path("cpu").asText())
                        .compareTo(ResourceChecks.quantity("100m")) <= 0, Rendering.id(w) + " requests little CPU in the lab");
            }
        }
    }
}
