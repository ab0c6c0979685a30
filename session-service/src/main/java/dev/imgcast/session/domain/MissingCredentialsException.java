package dev.imgcast.session.domain;

/** No credentials where the call needs them (a device without its participant token). */
public final class MissingCredentialsException extends SessionException {
    public MissingCredentialsException(String message) {
        super(message);
    }
}
