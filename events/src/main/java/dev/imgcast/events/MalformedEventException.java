package dev.imgcast.events;

/**
 * An event that does not follow the contract: not JSON, no or an unknown {@code type}, another
 * {@code version}, a missing field, a field of the wrong kind or out of range. The message says
 * which event and which field; a consumer logs it, counts it and rejects the message (never
 * requeued: it would come back as malformed as it went).
 */
public class MalformedEventException extends RuntimeException {
    private final String type;
    private final String field;

    public MalformedEventException(String type, String field, String problem) {
        super(describe(type, field, problem));
        this.type = type;
        this.field = field;
    }

    private static String describe(String type, String field, String problem) {
        String what = type == null ? "event" : type;
        return field == null ? what + ": " + problem : what + ": field '" + field + "' " + problem;
    }

    /** The event's type as it was on the wire, or null if it was not readable. */
    public String type() {
        return type;
    }

    /**
     * The field that is wrong, as a path ({@code runId}, {@code session.port},
     * {@code participants[2].role}), or null when the payload as a whole is (not JSON, not an object).
     */
    public String field() {
        return field;
    }
}
