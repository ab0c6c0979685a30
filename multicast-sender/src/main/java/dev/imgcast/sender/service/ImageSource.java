package dev.imgcast.sender.service;

import dev.imgcast.protocol.image.Manifest;
import java.io.IOException;
import java.nio.file.Path;

/** Where the images to send come from: a local file (a repair round needs random access) and its manifest. */
public interface ImageSource {

    /** The image, local and checked against its manifest; an IOException says why it is not available. */
    LocalImage fetch(String imageId) throws IOException, InterruptedException;

    /** An image ready to send. */
    record LocalImage(Manifest manifest, Path file) {
    }
}
