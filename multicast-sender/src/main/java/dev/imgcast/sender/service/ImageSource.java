package dev.imgcast.sender.service;

import dev.imgcast.protocol.image.Manifest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the images to send come from: a local file in the packed form (dev.imgcast.protocol.image.PackedBlocks:
 * the stored blocks, as they travel; a repair round needs random access) and its manifest, which is its index.
 */
public interface ImageSource {

    /** The image, local and checked against its manifest; an IOException says why it is not available. */
    LocalImage fetch(String imageId) throws IOException, InterruptedException;

    /** An image ready to send: {@code file} holds its packed form. */
    record LocalImage(Manifest manifest, Path file) {
    }
}
