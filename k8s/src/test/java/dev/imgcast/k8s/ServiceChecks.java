package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.containers;
import static dev.imgcast.k8s.Rendering.id;
import static dev.imgcast.k8s.Rendering.kind;
import static dev.imgcast.k8s.Wiring.HEALTH;
import static dev.imgcast.k8s.Wiring.REQUIRED;
import static dev.imgcast.k8s.Wiring.SERVICE_KINDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.imgcast.k8s.Wiring.Env;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each of the three services: its kind, a pinned image of our build, health probes on a declared port,
 * scrape annotations on that port, its required settings, enough replicas, and a RabbitMQ it reaches
 * with the broker's own credentials.
 */
final class ServiceChecks extends WiringContext {
    ServiceChecks(WiringContext shared) {
        super(shared);
    }

    void service(String svc) {
        Optional<JsonNode> found = r.workload(svc);
        if (found.isEmpty()) {
            problem(svc + ": no workload named " + svc);
            return;
        }
        JsonNode w = found.get();
        if (!SERVICE_KINDS.get(svc).equals(kind(w))) {
            problem(id(w) + ": " + svc + " must be a " + SERVICE_KINDS.get(svc));
        }
        Optional<JsonNode> container = Rendering.container(w, svc);
        if (container.isEmpty()) {
            problem(id(w) + ": no container named " + svc);
            return;
        }
        JsonNode c = container.get();
        String where = id(w) + " container " + svc;
        String image = c.path("image").asText();
        Matcher m = Pattern.compile("(?:[^/@]+/)*imgcast/" + Pattern.quote(svc) + "(?::([\\w][\\w.-]{0,127}))?(@sha256:[0-9a-f]{64})?")
                .matcher(image);
        if (!m.matches()) {
            problem(where + ": image " + image + " is not imgcast/" + svc + " (as built by the container-image profile)");
        } else if ((m.group(1) == null && m.group(2) == null) || "latest".equals(m.group(1))) {
            problem(where + ": image " + image + " is not pinned to a version or digest");
        }
        Integer httpPort = null;
        for (Map.Entry<String, String> h : HEALTH.entrySet()) {
            JsonNode probe = c.path(h.getKey());
            if (probe.isMissingNode() || probe.isNull()) {
                problem(where + ": no " + h.getKey());
                continue;
            }
            JsonNode get = probe.path("httpGet");
            if (get.isMissingNode()) {
                problem(where + ": " + h.getKey() + " is not an httpGet of " + h.getValue());
                continue;
            }
            if (!h.getValue().equals(get.path("path").asText())) {
                problem(where + ": " + h.getKey() + " path '" + get.path("path").asText() + "', expected " + h.getValue());
            }
            Optional<Integer> port = containerPort(w, get.path("port"));
            if (port.isEmpty()) {
                problem(where + ": " + h.getKey() + " port " + get.path("port").asText() + " is not a declared containerPort");
            } else if (httpPort == null) {
                httpPort = port.get();
            } else if (!httpPort.equals(port.get())) {
                problem(where + ": the health probes use different ports");
            }
        }
        JsonNode annotations = w.path("spec").path("template").path("metadata").path("annotations");
        if (!"true".equals(annotations.path("prometheus.io/scrape").asText())) {
            problem(where + ": pod annotation prometheus.io/scrape is not \"true\"");
        }
        if (!"/q/metrics".equals(annotations.path("prometheus.io/path").asText())) {
            problem(where + ": pod annotation prometheus.io/path '" + annotations.path("prometheus.io/path").asText()
                    + "', expected /q/metrics");
        }
        String scrapePort = annotations.path("prometheus.io/port").asText();
        if (!scrapePort.matches("\\d+") || containerPort(w, IntNode.valueOf(Integer.parseInt(scrapePort))).isEmpty()) {
            problem(where + ": pod annotation prometheus.io/port '" + scrapePort + "' is not a declared containerPort");
        } else if (httpPort != null && httpPort != Integer.parseInt(scrapePort)) {
            problem(where + ": pod annotation prometheus.io/port " + scrapePort + " is not the HTTP port " + httpPort
                    + " (where /q/health and /q/metrics are)");
        }
        Map<String, Env> env = env(c);
        for (String required : REQUIRED.get(svc)) {
            Env e = env.get(required);
            if (e == null) {
                problem(where + ": required setting " + required + " is not set");
            } else if (e.secret() == null && (e.literal() == null || e.literal().isBlank())) {
                boolean deferred = !expect.deployable() && required.equals("IMGCAST_SENDER_INTERFACE");
                if (!deferred) {
                    problem(where + ": required setting " + required + " is empty");
                }
            }
        }
        if (svc.equals("session-service")) {
            int replicas = w.path("spec").path("replicas").asInt(1);
            if (replicas < expect.minSessionReplicas()) {
                problem(id(w) + ": " + replicas + " replica(s), expected at least " + expect.minSessionReplicas());
            }
        }
        rabbitmq(svc, env, where);
    }

    private void rabbitmq(String svc, Map<String, Env> env, String where) {
        Env host = env.get("RABBITMQ_HOST");
        Env port = env.get("RABBITMQ_PORT");
        if (host == null || port == null || host.literal() == null || port.literal() == null) {
            return; // reported as missing
        }
        if (!port.literal().matches("\\d+")) {
            problem(where + ": RABBITMQ_PORT '" + port.literal() + "' is not a number");
            return;
        }
        Optional<JsonNode> broker = reach(host.literal(), Integer.parseInt(port.literal()), where + " RABBITMQ_HOST");
        if (broker.isEmpty()) {
            return;
        }
        Map<String, Env> brokerEnv = env(containers(broker.get()).get(0));
        same(env.get("RABBITMQ_USERNAME"), brokerEnv.get("RABBITMQ_DEFAULT_USER"), where, id(broker.get()));
        same(env.get("RABBITMQ_PASSWORD"), brokerEnv.get("RABBITMQ_DEFAULT_PASS"), where, id(broker.get()));
    }
}
