package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where the sender reads image bytes: a file, a block device, a store. */
public interface BlockSource {
    /**
     * Fills {@code into}, from its position to its limit, with the image bytes starting at
     * {@code offset}; the position ends at the limit.
     */
    void read(long offset, ByteBuffer into) throws IOException;
}
