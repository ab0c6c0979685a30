package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.containers;
import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Rendering.podLabels;
import static dev.imgcast.k8s.Rendering.selects;
import static dev.imgcast.k8s.Wiring.NAMESPACE;
import static dev.imgcast.k8s.Wiring.SECRETS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgcast.k8s.Wiring.Env;
import dev.imgcast.k8s.Wiring.Expect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the groups of wiring checks share: the rendering, what it must satisfy, the problems found so far
 * (one list for all groups, in the order {@link Wiring} runs them), and the look-ups several groups use:
 * the environment of a container, Secret and ConfigMap references, the workload behind a host and port,
 * both ends of a credential.
 */
class WiringContext {
    final Rendering r;
    final Expect expect;
    private final List<String> problems;
    final Map<String, Set<String>> external;

    WiringContext(Rendering r, Expect expect) {
        this.r = r;
        this.expect = expect;
        this.problems = new ArrayList<>();
        this.external = new TreeMap<>();
    }

    /** A group of checks working on the same rendering and reporting to the same list. */
    WiringContext(WiringContext shared) {
        this.r = shared.r;
        this.expect = shared.expect;
        this.problems = shared.problems;
        this.external = shared.external;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    void problem(String s) {
        problems.add(s);
    }

    static Set<String> keys(JsonNode items) {
        Set<String> k = new LinkedHashSet<>();
        items.forEach(i -> k.add(i.path("key").asText()));
        return k;
    }

    void requireSecret(String name, Set<String> keys, String where) {
        Optional<JsonNode> s = r.find("Secret", name);
        if (s.isEmpty()) {
            if (!expect.deployable() && name.equals(SECRETS)) {
                external.computeIfAbsent(name, k -> new TreeSet<>()).addAll(keys);
            } else {
                problem(where + ": Secret " + name + " does not exist in this rendering");
            }
            return;
        }
        for (String k : keys) {
            if (!s.get().path("data").has(k) && !s.get().path("stringData").has(k)) {
                problem(where + ": Secret " + name + " has no key " + k);
            }
        }
    }

    void requireConfigMap(String name, Set<String> keys, String where) {
        Optional<JsonNode> cm = r.find("ConfigMap", name);
        if (cm.isEmpty()) {
            problem(where + ": ConfigMap " + name + " does not exist in this rendering");
            return;
        }
        for (String k : keys) {
            if (!cm.get().path("data").has(k) && !cm.get().path("binaryData").has(k)) {
                problem(where + ": ConfigMap " + name + " has no key " + k);
            }
        }
    }

    /**
     * The environment of a container: envFrom (in order) then env, as the kubelet builds it. A
     * value from a ConfigMap is resolved to its text; a missing reference leaves it null (the
     * reference checks report those).
     */
    Map<String, Env> env(JsonNode c) {
        Map<String, Env> out = new LinkedHashMap<>();
        for (JsonNode e : c.path("envFrom")) {
            String prefix = e.path("prefix").asText("");
            if (e.has("configMapRef")) {
                String cmName = e.path("configMapRef").path("name").asText();
                r.find("ConfigMap", cmName).ifPresent(cm -> cm.path("data").fields().forEachRemaining(f -> out.put(
                        prefix + f.getKey(), new Env(prefix + f.getKey(), f.getValue().asText(), null, null, cmName,
                                "ConfigMap " + cmName + " (envFrom)"))));
            }
            if (e.has("secretRef")) {
                String sName = e.path("secretRef").path("name").asText();
                r.find("Secret", sName).ifPresent(s -> s.path("data").fieldNames().forEachRemaining(k -> out.put(prefix + k,
                        new Env(prefix + k, null, sName, k, null, "Secret " + sName + " (envFrom)"))));
            }
        }
        for (JsonNode e : c.path("env")) {
            String n = e.path("name").asText();
            JsonNode from = e.path("valueFrom");
            if (from.has("secretKeyRef")) {
                out.put(n, new Env(n, null, from.path("secretKeyRef").path("name").asText(),
                        from.path("secretKeyRef").path("key").asText(), null, "secretKeyRef"));
            } else if (from.has("configMapKeyRef")) {
                String cmName = from.path("configMapKeyRef").path("name").asText();
                String key = from.path("configMapKeyRef").path("key").asText();
                String v = r.find("ConfigMap", cmName).map(cm -> cm.path("data").path(key))
                        .filter(JsonNode::isValueNode).map(JsonNode::asText).orElse(null);
                out.put(n, new Env(n, v, null, null, cmName, "ConfigMap " + cmName + " (configMapKeyRef)"));
            } else if (e.has("value")) {
                out.put(n, new Env(n, e.path("value").asText(), null, null, null, "a literal value"));
            } else {
                out.put(n, new Env(n, null, null, null, null, "nowhere (fieldRef/resourceFieldRef)"));
            }
        }
        return out;
    }

    /** The number of the containerPort that {@code port} (a number or a port name) designates in the workload. */
    static Optional<Integer> containerPort(JsonNode w, JsonNode port) {
        for (JsonNode c : containers(w)) {
            for (JsonNode p : c.path("ports")) {
                if (port.isInt() && p.path("containerPort").isInt() && p.path("containerPort").asInt() == port.asInt()) {
                    return Optional.of(port.asInt());
                }
                if (port.isTextual() && port.asText().equals(p.path("name").asText()) && p.path("containerPort").isInt()) {
                    return Optional.of(p.path("containerPort").asInt());
                }
            }
        }
        return Optional.empty();
    }

    /** A host of a URL ("image-store", "image-store.imgcast.svc[.cluster.local]") to its Service. */
    private Optional<JsonNode> serviceOf(String host) {
        String[] labels = host.split("\\.");
        if (labels.length > 1 && !labels[1].equals(NAMESPACE)) {
            return Optional.empty();
        }
        return r.find("Service", labels[0]);
    }

    private static boolean servicePort(JsonNode svc, int port) {
        for (JsonNode p : svc.path("spec").path("ports")) {
            if (p.path("port").asInt() == port) {
                return true;
            }
        }
        return false;
    }

    /** The workload behind host:port, or empty after reporting why. */
    Optional<JsonNode> reach(String host, int port, String where) {
        Optional<JsonNode> svc = serviceOf(host);
        if (svc.isEmpty()) {
            problem(where + ": host " + host + " is no Service of this rendering");
            return Optional.empty();
        }
        if (!servicePort(svc.get(), port)) {
            problem(where + ": port " + port + " is not a port of " + id(svc.get()));
            return Optional.empty();
        }
        Optional<JsonNode> behind = r.workloads().stream()
                .filter(w -> selects(svc.get().path("spec").path("selector"), podLabels(w), true)).findFirst();
        if (behind.isEmpty()) {
            problem(where + ": " + id(svc.get()) + " has no pods behind it");
        }
        return behind;
    }

    private Optional<JsonNode> serviceContainer(String svc) {
        return r.workload(svc).flatMap(w -> Rendering.container(w, svc));
    }

    Map<String, Env> serviceEnv(String svc) {
        return serviceContainer(svc).map(this::env).orElse(Map.of());
    }

    /** Both ends of a credential read the same Secret key (or the same value). */
    void same(Env client, Env server, String where, String serverId) {
        if (client == null || server == null) {
            if (client != null) {
                problem(serverId + ": has no counterpart of " + client.name() + " of " + where);
            }
            return;
        }
        if (!client.source().equals(server.source())) {
            problem(where + ": " + client.name() + " comes from " + client.source() + " but " + serverId + " takes "
                    + server.name() + " from " + server.source());
        }
    }

    static boolean mounted(JsonNode container, String path) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(path)) {
                return true;
            }
        }
        return false;
    }
}
