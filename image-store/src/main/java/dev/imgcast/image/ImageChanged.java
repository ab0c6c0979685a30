package dev.imgcast.image;

/**
 * An image was stored or deleted: fired by the use cases (a synchronous CDI event, after the
 * change), published by {@code events/} so the use cases do not know the broker.
 */
public record ImageChanged(Change change, ImageView image) {
    /** What happened to the image. */
    public enum Change { STORED, DELETED }
}
