package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An image held in memory, usable as a sender's source and as a receiver's target: for the JIT
 * warm-up and for tests of the engines without sockets or disks.
 */
public final class MemoryImage implements BlockSource, ImageTarget {
    private final byte[] bytes;
    private final boolean resume;
    private long failWritesAfter = Long.MAX_VALUE;
    private long written;
    private final java.util.BitSet writtenMiB = new java.util.BitSet();

    public MemoryImage(byte[] bytes) {
        this(bytes, false);
    }

    private MemoryImage(byte[] bytes, boolean resume) {
        this.bytes = bytes;
        this.resume = resume;
    }

    /** A target that keeps what it holds (a disk a receiver resumes onto): {@link #resumes()}, never cleared. */
    public static MemoryImage resuming(byte[] bytes) {
        return new MemoryImage(bytes, true);
    }

    /** Bytes written since {@link #prepare}. */
    public long written() {
        return written;
    }

    /** True when anything was written since {@link #prepare} within MiB number {@code mib} of the image. */
    public boolean wroteWithinMiB(int mib) {
        return writtenMiB.get(mib);
    }

    public static MemoryImage empty(int size) {
        return new MemoryImage(new byte[size]);
    }

    public byte[] bytes() {
        return bytes;
    }

    /** Makes writes fail once this many bytes were written, as a full disk does. */
    public void failWritesAfter(long limit) {
        this.failWritesAfter = limit;
    }

    @Override
    public void read(long offset, ByteBuffer into) {
        into.put(bytes, (int) offset, into.remaining());
    }

    @Override
    public String check(long imageSize, long bytesToWrite) {
        return imageSize > bytes.length ? "memory target holds " + bytes.length + " bytes, the image needs " + imageSize
                : null;
    }

    @Override
    public void prepare(long imageSize) {
        if (!resume) {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
        written = 0;
        writtenMiB.clear();
    }

    @Override
    public boolean unwrittenReadsZero() {
        return !resume;
    }

    @Override
    public boolean resumes() {
        return resume;
    }

    @Override
    public void write(ByteBuffer source, long offset) throws IOException {
        int length = source.remaining();
        if (written + length > failWritesAfter) {
            throw new IOException("No space left on device");
        }
        source.get(bytes, (int) offset, length);
        written += length;
        if (length > 0) {
            writtenMiB.set((int) (offset >> 20), (int) ((offset + length - 1) >> 20) + 1);
        }
    }

    @Override
    public void read(ByteBuffer into, long offset) {
        into.put(bytes, (int) offset, into.remaining());
    }

    @Override
    public void force() {
    }

    @Override
    public void close() {
    }

    @Override
    public String describe() {
        return "memory image";
    }
}
