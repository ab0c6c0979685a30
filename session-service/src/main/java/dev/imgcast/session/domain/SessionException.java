package dev.imgcast.session.domain;

/**
 * A request the session rules refuse, with a sentence that says what is wrong and what to do.
 * The kinds are closed: the REST layer maps each to its status, the event consumer rejects the
 * event; nothing here knows about HTTP.
 */
public abstract sealed class SessionException extends RuntimeException
        permits InvalidInputException, MissingCredentialsException, NotPermittedException, UnknownSessionException,
        ConflictException, UnavailableException {
    protected SessionException(String message) {
        super(message);
    }
}
