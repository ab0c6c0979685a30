package dev.imgcast.events;

/** Published by image-store to {@code imgcast.image}; every one carries the image. */
public sealed interface ImageEvent extends Event permits ImageStored, ImageDeleted {
    ImageInfo image();
}
