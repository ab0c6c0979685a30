package dev.imgcast.events;

import java.util.Objects;

/**
 * The {@code image} object of image events.
 *
 * @param id the image id
 * @param size bytes
 * @param blockSize bytes per block
 * @param blockCount blocks
 * @param zeroBlocks how many blocks are all zero
 * @param sha256 of the whole image, hex
 */
public record ImageInfo(String id, long size, int blockSize, int blockCount, int zeroBlocks, String sha256) {
    public ImageInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha256, "sha256");
    }
}
