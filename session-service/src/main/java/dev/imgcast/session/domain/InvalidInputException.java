package dev.imgcast.session.domain;

/** What was asked is not valid (a name, a role, a count, a report). */
public final class InvalidInputException extends SessionException {
    public InvalidInputException(String message) {
        super(message);
    }
}
