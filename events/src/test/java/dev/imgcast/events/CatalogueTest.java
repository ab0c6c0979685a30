package dev.imgcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalogue in README.md cannot drift from the code: its rows are exactly the types of
 * {@link EventType} on their exchanges, the fields are the records' components in order, and
 * what it marks optional ({@code name?}) or required is what the reader does.
 */
class CatalogueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile("`([A-Za-z0-9]+)(\\?)?`");
    private static final Map<String, Class<? extends Record>> OBJECTS = Map.of(
            "session", SessionInfo.class, "participant", ParticipantInfo.class, "image", ImageInfo.class);

    /** A field as the catalogue lists it. */
    record Field(String name, boolean optional) {
    }

    @Test
    void everyTypeHasOneRowAndEveryRowIsAType() throws IOException {
        List<Map<String, String>> rows = table("type");
        List<String> listed = rows.stream().map(r -> unquote(r.get("type"))).toList();
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "a type listed twice: " + listed);
        List<String> inCode = Arrays.stream(EventType.values()).map(EventType::wireName).toList();
        assertEquals(new TreeSet<>(inCode), new TreeSet<>(listed), "README rows vs EventType");
        for (Map<String, String> row : rows) {
            EventType type = EventType.fromWireName(unquote(row.get("type"))).orElseThrow();
            assertEquals(type.exchange().exchangeName(), unquote(row.get("exchange")), type + ": exchange");
            assertTrue(!row.get("producer").isBlank() && !row.get("consumers").isBlank(), type + ": producer and consumers");
        }
    }

    @Test
    void theFieldsOfEachTypeAreItsRecordsAndTheReaderAgreesOnWhatIsRequired() throws IOException {
        for (Map<String, String> row : table("type")) {
            EventType type = EventType.fromWireName(unquote(row.get("type"))).orElseThrow();
            List<Field> fields = fields(row.get("fields"));
            assertEquals(components(type.recordType()), fields.stream().map(Field::name).toList(),
                    type + ": README fields vs " + type.recordType().getSimpleName());
            ObjectNode example = (ObjectNode) JSON.readTree(EventCodec.toJson(Examples.all().get(type).get(0)));
            for (Field f : fields) {
                ObjectNode without = example.deepCopy();
                without.remove(f.name());
                checkRequired(type + " without " + f.name(), without, f.name(), f.optional());
            }
        }
    }

    @Test
    void theNestedObjectsAreTheirRecordsAndTheReaderAgreesOnWhatIsRequired() throws IOException {
        List<Map<String, String>> rows = table("object");
        Map<String, List<Field>> listed = new LinkedHashMap<>();
        rows.forEach(r -> listed.put(unquote(r.get("object")), fields(r.get("fields"))));
        assertEquals(new TreeSet<>(OBJECTS.keySet()), new TreeSet<>(listed.keySet()), "README objects vs records");
        Map<String, Event> carriers = Map.of(
                "session", Examples.all().get(EventType.SESSION_STARTED).get(0),
                "participant", Examples.all().get(EventType.SESSION_PARTICIPANT_REGISTERED).get(0),
                "image", Examples.all().get(EventType.IMAGE_STORED).get(0));
        listed.forEach((object, fields) -> {
            assertEquals(components(OBJECTS.get(object)), fields.stream().map(Field::name).toList(),
                    object + ": README fields vs " + OBJECTS.get(object).getSimpleName());
            Event carrier = carriers.get(object);
            for (Field f : fields) {
                try {
                    ObjectNode without = (ObjectNode) JSON.readTree(EventCodec.toJson(carrier));
                    ((ObjectNode) without.get(object)).remove(f.name());
                    checkRequired(carrier.type() + " without " + object + "." + f.name(), without, object + "." + f.name(),
                            f.optional());
                } catch (IOException e) {
                    fail(e);
                }
            }
        });
    }

    private static void checkRequired(String what, ObjectNode json, String path, boolean optional) {
        try {
            EventCodec.decode(json.toString());
            assertTrue(optional, what + ": the README says required, the reader accepts it without");
        } catch (MalformedEventException e) {
            assertTrue(!optional, what + ": the README says optional (?), the reader refuses: " + e.getMessage());
            assertEquals(path, e.field(), what);
        }
    }

    private static List<String> components(Class<?> record) {
        assertTrue(record.isRecord(), record + " is a record");
        return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName)
                .filter(n -> !n.equals("envelope")).toList();
    }

    private static List<Field> fields(String cell) {
        List<Field> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(cell);
        while (m.find()) {
            fields.add(new Field(m.group(1), m.group(2) != null));
        }
        return fields;
    }

    private static String unquote(String cell) {
        return cell.replace("`", "").trim();
    }

    /** The rows of the README table whose first header cell is {@code firstColumn}, by header. */
    private static List<Map<String, String>> table(String firstColumn) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> header = null;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                if (header != null) {
                    break;
                }
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                if (cells.get(0).equals(firstColumn)) {
                    header = cells;
                }
            } else if (!cells.get(0).startsWith("---")) {
                assertEquals(header.size(), cells.size(), "cells in " + line);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), cells.get(i));
                }
                rows.add(row);
            }
        }
        assertTrue(header != null && !rows.isEmpty(), "README.md has a table headed '" + firstColumn + "'");
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }
}
