package dev.imgcast.events;

import java.util.Objects;

/** {@code image.stored}: an image was stored. */
public record ImageStored(Envelope envelope, ImageInfo image) implements ImageEvent {
    public ImageStored {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(image, "image");
    }

    @Override
    public EventType type() {
        return EventType.IMAGE_STORED;
    }
}
