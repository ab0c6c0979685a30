package dev.imgcast.session.domain;

/** Credentials that do not allow the call (a wrong token, a device that is not the master). */
public final class NotPermittedException extends SessionException {
    public NotPermittedException(String message) {
        super(message);
    }
}
