package dev.imgcast.events;

/**
 * A well-formed JSON object whose {@code type} this contract does not know. A consumer bound to a
 * wildcard ({@code session.#}) may choose to acknowledge and skip it instead of rejecting it.
 */
public class UnknownEventTypeException extends MalformedEventException {
    public UnknownEventTypeException(String type) {
        super(type, "type", "is not an event type of this contract: \"" + type + "\"");
    }
}
