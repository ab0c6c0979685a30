package dev.imgcast.session.domain;

/** The call is valid but the session's state or rules refuse it now (a second master, a started run). */
public final class ConflictException extends SessionException {
    public ConflictException(String message) {
        super(message);
    }
}
