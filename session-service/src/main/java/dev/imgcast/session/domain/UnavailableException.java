package dev.imgcast.session.domain;

/** Something the request needs is away (the image store): nothing was changed; try again later. */
public final class UnavailableException extends SessionException {
    public UnavailableException(String message) {
        super(message);
    }
}
