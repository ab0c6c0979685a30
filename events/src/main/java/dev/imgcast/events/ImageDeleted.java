package dev.imgcast.events;

import java.util.Objects;

/** {@code image.deleted}: an image was deleted. */
public record ImageDeleted(Envelope envelope, ImageInfo image) implements ImageEvent {
    public ImageDeleted {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(image, "image");
    }

    @Override
    public EventType type() {
        return EventType.IMAGE_DELETED;
    }
}
