package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Rendering.podLabels;
import static dev.imgcast.k8s.Rendering.selects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Services, the governing Services of StatefulSets and PodDisruptionBudgets select the pods of a workload,
 * on ports the pods declare.
 */
final class SelectorChecks extends WiringContext {
    SelectorChecks(WiringContext shared) {
        super(shared);
    }

    void services() {
        for (JsonNode s : r.ofKind("Service")) {
            if (s.path("spec").path("type").asText().equals("ExternalName")) {
                continue;
            }
            JsonNode selector = s.path("spec").path("selector");
            List<JsonNode> pods = r.workloads().stream().filter(w -> selects(selector, podLabels(w), true)).toList();
            if (pods.isEmpty()) {
                problem(id(s) + ": selector " + selector + " selects the pods of no workload");
                continue;
            }
            for (JsonNode p : s.path("spec").path("ports")) {
                JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
                for (JsonNode w : pods) {
                    if (containerPort(w, target).isEmpty()) {
                        problem(id(s) + " port " + p.path("port").asText() + ": targetPort " + target.asText()
                                + " is not a declared containerPort of " + id(w));
                    }
                }
            }
        }
        for (JsonNode sts : r.ofKind("StatefulSet")) {
            String governing = sts.path("spec").path("serviceName").asText();
            Optional<JsonNode> svc = r.find("Service", governing);
            if (svc.isEmpty()) {
                problem(id(sts) + ": serviceName " + governing + " names no Service");
            } else if (!"None".equals(svc.get().path("spec").path("clusterIP").asText())) {
                problem(id(sts) + ": its governing Service " + governing + " is not headless (clusterIP: None)");
            } else if (!selects(svc.get().path("spec").path("selector"), podLabels(sts), true)) {
                problem(id(sts) + ": its governing Service " + governing + " does not select its pods");
            }
        }
    }

    void disruptionBudgets() {
        for (JsonNode pdb : r.ofKind("PodDisruptionBudget")) {
            if (r.workloads().stream().noneMatch(w -> selects(pdb.path("spec").path("selector"), podLabels(w), false))) {
                problem(id(pdb) + ": selects the pods of no workload");
            }
        }
    }
}
