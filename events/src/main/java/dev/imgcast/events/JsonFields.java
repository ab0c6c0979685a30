package dev.imgcast.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of one JSON object of an event, read strictly: a required field must be there and
 * of its kind; an optional one may be absent or null, and is of its kind otherwise. Every
 * problem names the event type and the field's path.
 */
final class JsonFields {
    private final String type;
    private final String path;
    private final JsonNode node;

    JsonFields(String type, String path, JsonNode node) {
        this.type = type;
        this.path = path;
        this.node = node;
    }

    String string(String field) {
        return textOf(field, required(field));
    }

    String optionalString(String field) {
        JsonNode v = optional(field);
        return v == null ? null : textOf(field, v);
    }

    long longValue(String field) {
        return longOf(field, required(field));
    }

    Long optionalLong(String field) {
        JsonNode v = optional(field);
        return v == null ? null : longOf(field, v);
    }

    long count(String field) {
        return notNegative(field, longValue(field));
    }

    Long optionalCount(String field) {
        Long v = optionalLong(field);
        return v == null ? null : notNegative(field, v);
    }

    int intValue(String field) {
        return intOf(field, required(field));
    }

    Integer optionalInt(String field) {
        JsonNode v = optional(field);
        return v == null ? null : intOf(field, v);
    }

    BigDecimal optionalDecimal(String field) {
        JsonNode v = optional(field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw problem(field, "must be a number, was " + v);
        }
        return v.decimalValue();
    }

    Instant instant(String field) {
        String text = string(field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw problem(field, "must be an ISO-8601 instant, was \"" + text + "\"");
        }
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> kind) {
        String text = string(field);
        for (E e : kind.getEnumConstants()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        throw problem(field, "must be one of " + Arrays.toString(kind.getEnumConstants()) + ", was \"" + text + "\"");
    }

    JsonFields object(String field) {
        JsonNode v = required(field);
        if (!v.isObject()) {
            throw problem(field, "must be an object, was " + v);
        }
        return new JsonFields(type, path + field + ".", v);
    }

    List<JsonFields> objects(String field) {
        JsonNode v = required(field);
        if (!v.isArray()) {
            throw problem(field, "must be an array, was " + v);
        }
        List<JsonFields> items = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String at = field + "[" + i + "]";
            if (!item.isObject()) {
                throw problem(at, "must be an object, was " + item);
            }
            items.add(new JsonFields(type, path + at + ".", item));
        }
        return items;
    }

    MalformedEventException problem(String field, String problem) {
        return new MalformedEventException(type, path + field, problem);
    }

    private JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw problem(field, "is missing");
        }
        return v;
    }

    private JsonNode optional(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private String textOf(String field, JsonNode v) {
        if (!v.isTextual()) {
            throw problem(field, "must be a string, was " + v);
        }
        return v.textValue();
    }

    private long longOf(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw problem(field, "must be an integer, was " + v);
        }
        return v.longValue();
    }

    private int intOf(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw problem(field, "must be an integer (32 bits), was " + v);
        }
        return v.intValue();
    }

    private long notNegative(String field, long v) {
        if (v < 0) {
            throw problem(field, "must not be negative, was " + v);
        }
        return v;
    }
}
