package dev.imgcast.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** The documents of one rendering, with the look-ups the checks need. */
final class Rendering {
    static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final String label;
    final String yaml;
    final List<JsonNode> docs;

    Rendering(String label, String yaml) {
        this.label = label;
        this.yaml = yaml;
        List<JsonNode> list = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n == null || n.isNull() || n.isMissingNode()) {
                    continue;
                }
                if (!n.isObject()) {
                    throw new AssertionError(label + ": a rendered document is not an object: " + n);
                }
                list.add(n);
            }
        } catch (IOException e) {
            throw new AssertionError(label + ": the rendering is not YAML: " + e.getMessage(), e);
        }
        this.docs = Collections.unmodifiableList(list);
    }

    static String kind(JsonNode doc) {
        return doc.path("kind").asText();
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static String id(JsonNode doc) {
        return kind(doc) + "/" + name(doc);
    }

    List<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(kind(d))).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return docs.stream().filter(d -> kind.equals(kind(d)) && name.equals(name(d))).findFirst();
    }

    List<JsonNode> workloads() {
        return docs.stream().filter(d -> WORKLOAD_KINDS.contains(kind(d))).toList();
    }

    /** The workload named {@code name} (Deployment, StatefulSet or DaemonSet). */
    Optional<JsonNode> workload(String name) {
        return workloads().stream().filter(d -> name.equals(name(d))).findFirst();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static Map<String, String> podLabels(JsonNode workload) {
        return strings(workload.path("spec").path("template").path("metadata").path("labels"));
    }

    /** containers then initContainers. */
    static List<JsonNode> containers(JsonNode workload) {
        JsonNode spec = podSpec(workload);
        List<JsonNode> all = new ArrayList<>();
        spec.path("containers").forEach(all::add);
        spec.path("initContainers").forEach(all::add);
        return all;
    }

    static Optional<JsonNode> container(JsonNode workload, String name) {
        return containers(workload).stream().filter(c -> name.equals(c.path("name").asText())).findFirst();
    }

    static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(),
            e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    /** Whether a selector (matchLabels and matchExpressions, or a plain Service map) selects these labels. */
    static boolean selects(JsonNode selector, Map<String, String> labels, boolean plainMap) {
        if (selector == null || selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
            return false; // an empty selector is never what we mean
        }
        Map<String, String> match = strings(plainMap ? selector : selector.path("matchLabels"));
        for (Map.Entry<String, String> e : match.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        if (!plainMap) {
            for (JsonNode expr : selector.path("matchExpressions")) {
                String key = expr.path("key").asText();
                Set<String> values = StreamSupport.stream(expr.path("values").spliterator(), false).map(JsonNode::asText)
                        .collect(Collectors.toSet());
                boolean ok = switch (expr.path("operator").asText()) {
                    case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                    case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                    case "Exists" -> labels.containsKey(key);
                    case "DoesNotExist" -> !labels.containsKey(key);
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
