package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Rendering.name;
import static dev.imgcast.k8s.Rendering.podLabels;
import static dev.imgcast.k8s.Rendering.selects;
import static dev.imgcast.k8s.Wiring.SERVICES;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** PodMonitors and ServiceMonitors select workloads and scrape /q/metrics on a declared port; production covers all three services. */
final class MonitoringChecks extends WiringContext {
    MonitoringChecks(WiringContext shared) {
        super(shared);
    }

    void monitors() {
        Set<String> covered = new TreeSet<>();
        for (JsonNode pm : r.ofKind("PodMonitor")) {
            List<JsonNode> pods = r.workloads().stream().filter(w -> selects(pm.path("spec").path("selector"), podLabels(w), false))
                    .toList();
            if (pods.isEmpty()) {
                problem(id(pm) + ": selects the pods of no workload");
            }
            if (pm.path("spec").path("podMetricsEndpoints").isEmpty()) {
                problem(id(pm) + ": no podMetricsEndpoints");
            }
            for (JsonNode ep : pm.path("spec").path("podMetricsEndpoints")) {
                if (!"/q/metrics".equals(ep.path("path").asText())) {
                    problem(id(pm) + ": path '" + ep.path("path").asText() + "', expected /q/metrics");
                }
                JsonNode port = ep.has("port") ? ep.path("port") : ep.has("portNumber") ? ep.path("portNumber") : ep.path("targetPort");
                for (JsonNode w : pods) {
                    if (containerPort(w, port).isEmpty()) {
                        problem(id(pm) + ": port " + port.asText() + " is not a declared containerPort of " + id(w));
                    } else if ("/q/metrics".equals(ep.path("path").asText())) {
                        covered.add(name(w));
                    }
                }
            }
        }
        for (JsonNode sm : r.ofKind("ServiceMonitor")) {
            List<JsonNode> svcs = r.ofKind("Service").stream()
                    .filter(s -> selects(sm.path("spec").path("selector"), Rendering.strings(s.path("metadata").path("labels")), false))
                    .toList();
            if (svcs.isEmpty()) {
                problem(id(sm) + ": selects no Service");
            }
            for (JsonNode ep : sm.path("spec").path("endpoints")) {
                if (!"/q/metrics".equals(ep.path("path").asText())) {
                    problem(id(sm) + ": path '" + ep.path("path").asText() + "', expected /q/metrics");
                }
                for (JsonNode s : svcs) {
                    boolean named = false;
                    for (JsonNode p : s.path("spec").path("ports")) {
                        named |= p.path("name").asText().equals(ep.path("port").asText());
                    }
                    if (!named) {
                        problem(id(sm) + ": port " + ep.path("port").asText() + " is no named port of " + id(s));
                    } else {
                        r.workloads().stream().filter(w -> selects(s.path("spec").path("selector"), podLabels(w), true))
                                .forEach(w -> covered.add(name(w)));
                    }
                }
            }
        }
        if (expect.monitorsRequired()) {
            for (String svc : SERVICES) {
                if (!covered.contains(svc)) {
                    problem(svc + ": no PodMonitor or ServiceMonitor scrapes its /q/metrics");
                }
            }
        }
    }
}
