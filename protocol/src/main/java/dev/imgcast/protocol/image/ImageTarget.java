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

    /**
     * True when what the target holds before the transfer may already be part of the image (a
     * resumed transfer): the receiver checks each block against the manifest and keeps those that
     * match. Such a target is not emptied by {@link #prepare}.
     */
    default boolean resumes() {
        return false;
    }

    /**
     * True when the final verification reads the image back from the device itself, bypassing the
     * page cache ({@link #readFromDevice}); the receiver then hashes after the transfer instead of
     * while it runs.
     */
    default boolean verifiesOnDevice() {
        return false;
    }

    /** Reads as {@link #read} does, but from the device, past the page cache, where the target can. */
    default void readFromDevice(ByteBuffer into, long offset) throws IOException {
        read(into, offset);
    }

    /** Pushes everything written to the device. */
    void force() throws IOException;

    void close();

    /** For messages: the path or device name. */
    String describe();
}
