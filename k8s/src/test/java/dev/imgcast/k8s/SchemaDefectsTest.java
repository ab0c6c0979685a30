package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defects the schemas or the strict field check catch, and missing or misplaced probes. */
class SchemaDefectsTest extends ManifestsFixture {
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
}
