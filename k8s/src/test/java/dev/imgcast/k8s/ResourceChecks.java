package dev.imgcast.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every container has cpu and memory requests and limits, each a quantity, the request not above the limit. */
final class ResourceChecks extends WiringContext {
    private static final Pattern QUANTITY = Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)"
        + "(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");

    ResourceChecks(WiringContext shared) {
        super(shared);
    }

    void resources(JsonNode c, String where) {
        JsonNode res = c.path("resources");
        for (String resource : List.of("cpu", "memory")) {
            BigDecimal request = quantity(res.path("requests").path(resource), where + " requests." + resource);
            BigDecimal limit = quantity(res.path("limits").path(resource), where + " limits." + resource);
            if (request != null && limit != null && request.compareTo(limit) > 0) {
                problem(where + ": " + resource + " request " + res.path("requests").path(resource).asText()
                        + " is above its limit " + res.path("limits").path(resource).asText());
            }
        }
    }

    private BigDecimal quantity(JsonNode q, String what) {
        if (q.isMissingNode() || q.isNull()) {
            problem(what + " is not set (every container has cpu and memory requests and limits)");
            return null;
        }
        BigDecimal v = quantity(q.asText());
        if (v == null) {
            problem(what + " '" + q.asText() + "' is not a quantity");
        }
        return v;
    }

    /** A Kubernetes quantity ("250m", "1", "512Mi", "1e3") as a number, or null. */
    static BigDecimal quantity(String s) {
        Matcher m = QUANTITY.matcher(s.strip());
        if (!m.matches()) {
            return null;
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        BigDecimal factor = switch (suffix) {
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "" -> BigDecimal.ONE;
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            default -> BigDecimal.valueOf(2).pow(10 * (1 + "KMGTPE".indexOf(suffix.charAt(0))));
        };
        return n.multiply(factor);
    }
}
