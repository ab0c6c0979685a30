package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defects in credentials and container security: renamed keys, literal passwords, credentials in ConfigMaps. */
class SecurityDefectsTest extends ManifestsFixture {
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
