package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where a sender takes each block as it travels: its stored form (compressed, or raw). */
public interface StoredBlocks extends AutoCloseable {
    /**
     * The stored form of {@code block} from position 0 to its stored length. The buffer is valid
     * until the next call; the caller only reads it.
     */
    ByteBuffer stored(int block) throws IOException;

    /** Stops helper threads; idempotent. */
    @Override
    void close();
}
