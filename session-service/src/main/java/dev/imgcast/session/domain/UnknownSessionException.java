package dev.imgcast.session.domain;

/** No session or run of that name or id, or no stored image of that id. */
public final class UnknownSessionException extends SessionException {
    public UnknownSessionException(String message) {
        super(message);
    }
}
