package dev.imgcast.k8s;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defects in what reaches what: selectors, scrape and monitor ports, datasources, both ends of a credential. */
class ConnectionDefectsTest extends ManifestsFixture {
    @Test
    void aServiceSelectingNothingIsReported() throws IOException {
        Rendering r = defect("selector-typo", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: image-store
                        spec:
                          selector:
                            app.kubernetes.io/name: image-stor
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "Service/image-store: selector", "selects the pods of no workload");
        assertReported(problems, "Deployment/multicast-sender IMGCAST_IMAGE_STORE_URL");
    }

    @Test
    void aScrapeAnnotationOnAnotherPortIsReported() throws IOException {
        Rendering r = defect("scrape-port", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata:
                          name: image-store
                        spec:
                          template:
                            metadata:
                              annotations:
                                prometheus.io/port: "9000"
                                prometheus.io/path: /metrics
                        """));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "StatefulSet/image-store container image-store: "
            + "pod annotation prometheus.io/port '9000' is not a declared containerPort");
        assertReported(problems, "pod annotation prometheus.io/path '/metrics', expected /q/metrics");
    }

    @Test
    void aPodMonitorOnAnUndeclaredPortIsReported() throws IOException {
        Rendering r = defect("monitor-port", Map.of("kustomization.yaml",
                kustomization("overlays/production", "patches:", "  - target: {kind: PodMonitor, name: multicast-sender}",
                        "    patch: |-", "      - op: replace", "        path: /spec/podMetricsEndpoints/0/port",
                        "        value: metrics")));
        List<String> problems = wiringProblems(r, new Wiring.Expect(true, 2, true));
        assertReported(problems, "PodMonitor/multicast-sender: "
            + "port metrics is not a declared containerPort of Deployment/multicast-sender");
        assertReported(problems, "multicast-sender: no PodMonitor or ServiceMonitor scrapes its /q/metrics");
    }

    @Test
    void aSharedFlywayHistoryIsReported() throws IOException {
        Rendering r = defect("shared-history", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgres:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_FLYWAY_SCHEMAS=images")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "image-store QUARKUS_DATASOURCE_JDBC_URL: currentSchema sessions is not the Flyway schema images");
        Rendering shared = defect("shared-history-2", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: image-store-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgres:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_FLYWAY_SCHEMAS=sessions")));
        assertReported(wiringProblems(shared), "image-store and session-service share the database and schema imgcast/sessions");
    }

    @Test
    void aDatasourceAimedElsewhereIsReported() throws IOException {
        Rendering r = defect("jdbc-elsewhere", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: session-service-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://postgresql:5432/imgcast?currentSchema=sessions",
                "      - QUARKUS_DATASOURCE_USERNAME=postgres")));
        List<String> problems = wiringProblems(r);
        assertReported(problems, "session-service QUARKUS_DATASOURCE_JDBC_URL: host postgresql is no Service of this rendering");
        Rendering user = defect("jdbc-user", Map.of("kustomization.yaml", kustomization("overlays/lab",
                "configMapGenerator:", "  - name: session-service-config", "    behavior: merge", "    literals:",
                "      - QUARKUS_DATASOURCE_USERNAME=postgres")));
        assertReported(wiringProblems(user),
                "session-service QUARKUS_DATASOURCE_USERNAME postgres, but StatefulSet/postgres creates the user imgcast");
    }

    @Test
    void mismatchedCredentialsAreReported() throws IOException {
        Rendering r = defect("wrong-key", Map.of("kustomization.yaml",
                kustomization("overlays/lab", "patches:", "  - path: patch.yaml"), "patch.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: multicast-sender
                        spec:
                          template:
                            spec:
                              containers:
                                - name: multicast-sender
                                  env:
                                    - name: IMGCAST_IMAGE_STORE_PASSWORD
                                      valueFrom:
                                        secretKeyRef:
                                          key: admin-password
                        """));
        assertReported(wiringProblems(r), "Deployment/multicast-sender: IMGCAST_IMAGE_STORE_PASSWORD comes from Secret",
                "key admin-password but image-store takes IMGCAST_READER_PASSWORD from Secret", "key reader-password");
    }
}
