package dev.imgcast.protocol.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where the sender reads image bytes: a file, a block device, a store. */
public interface BlockSource {
    /** Fills {@code into} (position to limit) with the image bytes starting at {@code offset}. */
    void read(long offset, ByteBuffer into) throws IOException;
}
