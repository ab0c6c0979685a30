package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Rendering.kind;
import static dev.imgcast.k8s.Rendering.name;
import static dev.imgcast.k8s.Rendering.podLabels;
import static dev.imgcast.k8s.Rendering.podSpec;
import static dev.imgcast.k8s.Rendering.selects;
import static dev.imgcast.k8s.Wiring.SITE_LABEL;
import static dev.imgcast.k8s.Wiring.SITE_PLACEHOLDER;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgcast.k8s.Wiring.Env;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the two special workloads run: the sender on the host network of a named site, one per node,
 * reaching image-store with the reader password and caching on a volume; image-store a StatefulSet of one
 * whose images are on its volumeClaimTemplate.
 */
final class PlacementChecks extends WiringContext {
    PlacementChecks(WiringContext shared) {
        super(shared);
    }

    void sender() {
        Optional<JsonNode> found = r.workload("multicast-sender");
        if (found.isEmpty()) {
            return;
        }
        JsonNode w = found.get();
        JsonNode pod = podSpec(w);
        String where = id(w);
        if (!pod.path("hostNetwork").asBoolean()) {
            problem(where + ": hostNetwork is not true (its multicast must reach the devices' segment)");
        }
        if (!"ClusterFirstWithHostNet".equals(pod.path("dnsPolicy").asText())) {
            problem(where + ": dnsPolicy is not ClusterFirstWithHostNet (on the host network it would lose the cluster DNS)");
        }
        List<String> sites = new ArrayList<>();
        if (pod.path("nodeSelector").has(SITE_LABEL)) {
            sites.add(pod.path("nodeSelector").path(SITE_LABEL).asText());
        }
        for (JsonNode term : pod.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms")) {
            for (JsonNode e : term.path("matchExpressions")) {
                if (SITE_LABEL.equals(e.path("key").asText()) && "In".equals(e.path("operator").asText())) {
                    e.path("values").forEach(v -> sites.add(v.asText()));
                }
            }
        }
        if (sites.isEmpty()) {
            problem(where + ": no nodeSelector or required nodeAffinity on the site label " + SITE_LABEL);
        } else if (expect.deployable() && sites.stream().anyMatch(s -> s.isBlank() || s.equals(SITE_PLACEHOLDER))) {
            problem(where + ": the site label " + SITE_LABEL + " is still '" + SITE_PLACEHOLDER + "': name the site in the overlay");
        }
        boolean oneperNode = false;
        for (JsonNode term : pod.path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")) {
            oneperNode |= "kubernetes.io/hostname".equals(term.path("topologyKey").asText())
                    && selects(term.path("labelSelector"), podLabels(w), false);
        }
        if (!oneperNode) {
            problem(where + ": no required podAntiAffinity on kubernetes.io/hostname against its own pods (one sender per node)");
        }
        Optional<JsonNode> c = Rendering.container(w, "multicast-sender");
        if (c.isEmpty()) {
            return;
        }
        Map<String, Env> env = env(c.get());
        Env url = env.get("IMGCAST_IMAGE_STORE_URL");
        if (url != null && url.literal() != null) {
            try {
                URI u = URI.create(url.literal());
                int port = u.getPort() < 0 ? ("https".equals(u.getScheme()) ? 443 : 80) : u.getPort();
                if (u.getHost() == null) {
                    problem(where + ": IMGCAST_IMAGE_STORE_URL '" + url.literal() + "' has no host");
                } else {
                    Optional<JsonNode> store = reach(u.getHost(), port, where + " IMGCAST_IMAGE_STORE_URL");
                    if (store.isPresent() && !name(store.get()).equals("image-store")) {
                        problem(where + ": IMGCAST_IMAGE_STORE_URL reaches " + id(store.get()) + ", not image-store");
                    }
                }
            } catch (IllegalArgumentException e) {
                problem(where + ": IMGCAST_IMAGE_STORE_URL '" + url.literal() + "' is not a URL");
            }
        }
        Env reader = serviceEnv("image-store").get("IMGCAST_READER_PASSWORD");
        if (env.get("IMGCAST_IMAGE_STORE_PASSWORD") != null && reader != null) {
            same(env.get("IMGCAST_IMAGE_STORE_PASSWORD"), reader, where, "image-store");
        }
        Env cache = env.get("IMGCAST_SENDER_CACHE_DIR");
        if (cache != null && cache.literal() != null && !mounted(c.get(), cache.literal())) {
            problem(where + ": IMGCAST_SENDER_CACHE_DIR " + cache.literal() + " is not the mount path of a volume");
        }
    }

    void imageStore() {
        Optional<JsonNode> found = r.workload("image-store");
        if (found.isEmpty() || !kind(found.get()).equals("StatefulSet")) {
            return; // reported by service()
        }
        JsonNode w = found.get();
        int replicas = w.path("spec").path("replicas").asInt(1);
        if (replicas != 1) {
            problem(id(w) + ": " + replicas + " replicas; exactly one holds the images (its volume)");
        }
        Optional<JsonNode> c = Rendering.container(w, "image-store");
        Env dir = c.map(this::env).map(e -> e.get("IMGCAST_IMAGES_DIR")).orElse(null);
        if (dir == null || dir.literal() == null) {
            return;
        }
        Set<String> claims = new LinkedHashSet<>();
        w.path("spec").path("volumeClaimTemplates").forEach(v -> claims.add(v.path("metadata").path("name").asText()));
        boolean onClaim = false;
        for (JsonNode m : c.get().path("volumeMounts")) {
            onClaim |= m.path("mountPath").asText().equals(dir.literal()) && claims.contains(m.path("name").asText());
        }
        if (!onClaim) {
            problem(id(w) + ": IMGCAST_IMAGES_DIR " + dir.literal() + " is not the mount path of a volumeClaimTemplate "
                    + claims);
        }
    }
}
