package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where a receiver writes the image: a regular file or a block device. */
public interface ImageTarget {
    /**
     * Checks, without writing anything, that an image of {@code imageSize} bytes of which
     * {@code bytesToWrite} are not zero fits. Returns null when it does, else what is wrong.
     */
    String check(long imageSize, long bytesToWrite);

    /** Makes the target ready for writes; called once the transfer is known good to start. */
    void prepare(long imageSize) throws IOException;

    /** True when ranges never written read back as zeros after {@link #prepare} (a fresh sparse file). */
    boolean unwrittenReadsZero();

    void write(ByteBuffer source, long offset) throws IOException;

    void read(ByteBuffer into, long offset) throws IOException;

    /** Pushes everything written to the device. */
    void force() throws IOException;

    void close();

    /** For messages: the path or device name. */
    String describe();
}
