package dev.imgcast.image;

/**
 * A refusal of the image store, with what kind of refusal it is and a message that says what is
 * wrong. Only {@code rest/} turns the kind into an HTTP status.
 */
public class ImageStoreException extends RuntimeException {
    /** What went wrong, as the caller should see it. */
    public enum Kind {
        /** the request itself is wrong: an id, a block size, a checksum header, an empty upload */
        INVALID,
        /** no such image (or not stored yet) */
        NOT_FOUND,
        /** the image exists, is being uploaded, is in use, or the store is not set up for it */
        CONFLICT,
        /** the bytes do not have the SHA-256 the client declared */
        CHECKSUM_MISMATCH,
        /** a download range outside the image */
        RANGE_NOT_SATISFIABLE,
        /** session-service could not be reached or answered with an error (capture) */
        REGISTRY_FAILED,
        /** the store itself failed: a disk error, a missing file */
        FAILED
    }

    private final Kind kind;

    public ImageStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
