package dev.imgcast.session.domain;

/** No session or run of that name or id. */
public final class UnknownSessionException extends SessionException {
    public UnknownSessionException(String message) {
        super(message);
    }
}
