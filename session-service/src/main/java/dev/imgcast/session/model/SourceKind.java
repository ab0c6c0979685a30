package dev.imgcast.session.model;

/** Where the bytes of a run come from. A run with no source never starts. */
public enum SourceKind {
    /** Nobody has claimed master and no image was given: devices wait. */
    NONE,
    /** The master device sends its own disk. */
    DEVICE,
    /** A stored image, sent by a multicast-sender (a session started from the server). */
    IMAGE
}
