package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Wiring.CREDENTIAL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgcast.k8s.Wiring.Env;

/**
 * Every container runs as non-root, without privilege escalation or capabilities, with a seccomp profile;
 * credentials come from Secrets only, never a literal or a ConfigMap.
 */
final class SecurityChecks extends WiringContext {
    SecurityChecks(WiringContext shared) {
        super(shared);
    }

    void security(JsonNode c, JsonNode pod, String where) {
        JsonNode sc = c.path("securityContext");
        boolean nonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot").asBoolean() : pod.path("runAsNonRoot").asBoolean();
        if (!nonRoot) {
            problem(where + ": runAsNonRoot is not true (container or pod securityContext)");
        }
        if (!sc.has("allowPrivilegeEscalation") || sc.path("allowPrivilegeEscalation").asBoolean()) {
            problem(where + ": allowPrivilegeEscalation is not false");
        }
        if (sc.path("privileged").asBoolean()) {
            problem(where + ": privileged");
        }
        boolean dropsAll = false;
        for (JsonNode d : sc.path("capabilities").path("drop")) {
            dropsAll |= d.asText().equals("ALL");
        }
        if (!dropsAll) {
            problem(where + ": capabilities.drop does not contain ALL");
        }
        if (!sc.path("capabilities").path("add").isEmpty()) {
            problem(where + ": adds capabilities " + sc.path("capabilities").path("add") + " (none is needed)");
        }
        String seccomp = sc.path("seccompProfile").path("type").asText(pod.path("seccompProfile").path("type").asText());
        if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
            problem(where + ": no seccompProfile RuntimeDefault");
        }
    }

    void credentials(JsonNode c, String where) {
        for (Env e : env(c).values()) {
            if (!CREDENTIAL.matcher(e.name()).matches()) {
                continue;
            }
            if (e.secret() == null) {
                problem(where + " env " + e.name() + ": a credential from " + e.origin() + ", not from a secretKeyRef");
            }
        }
        for (JsonNode e : c.path("env")) {
            if (CREDENTIAL.matcher(e.path("name").asText()).matches() && e.has("value")) {
                problem(where + " env " + e.path("name").asText() + ": literal value (credentials come from a secretKeyRef)");
            }
        }
    }

    void configMapsHoldNoCredentials() {
        for (JsonNode cm : r.ofKind("ConfigMap")) {
            cm.path("data").fieldNames().forEachRemaining(k -> {
                if (CREDENTIAL.matcher(k).matches()) {
                    problem(id(cm) + ": key " + k + " looks like a credential; credentials belong in a Secret");
                }
            });
        }
    }
}
