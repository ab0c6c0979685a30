package dev.imgcast.protocol.image;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.nio.ByteBuffer;

/**
 * zstd for one block at a time, on direct buffers (no copies to the Java heap). A block is stored
 * compressed only when that saves at least 1/64 of it; otherwise it travels raw. Not
 * thread-safe: one per thread.
 */
public final class BlockCodec implements AutoCloseable {
    /** {@code --compress=auto}: zstd's level 1, about 400 MB/s per core here and most of the gain. */
    public static final int AUTO_LEVEL = 1;
    public static final int MIN_LEVEL = -7;
    public static final int MAX_LEVEL = 19;

    private final ZstdCompressCtx compressor = new ZstdCompressCtx();
    private final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();

    public BlockCodec(int level) {
        if (level != 0) {
            checkLevel(level);
            compressor.setLevel(level);
        }
    }

    /** Says what is wrong with a level, or nothing. */
    public static void checkLevel(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL || level == 0) {
            throw new IllegalArgumentException("a zstd level is " + MIN_LEVEL + ".." + MAX_LEVEL + " (not 0), not " + level);
        }
    }

    /** The room compressing {@code length} bytes may need. */
    public static int bound(int length) {
        return (int) Zstd.compressBound(length);
    }

    /**
     * Compresses {@code raw} (position to limit) into {@code out} from 0 ({@link #bound} bytes of
     * room). Returns the compressed length when it saves at least 1/64, else -1 (store it raw).
     */
    public int compress(ByteBuffer raw, ByteBuffer out) {
        int length = raw.remaining();
        int n = compressor.compressDirectByteBuffer(out, 0, out.capacity(), raw, raw.position(), length);
        return n <= length - (length >>> 6) ? n : -1;
    }

    /**
     * Decompresses {@code stored} (position to limit) into {@code out} from 0. True only when it is
     * a valid zstd frame of exactly {@code rawLength} bytes; anything else (damaged, too long, too
     * short) is false, never an exception.
     */
    public boolean decompress(ByteBuffer stored, ByteBuffer out, int rawLength) {
        if (out.capacity() < rawLength) {
            return false;
        }
        try {
            int n = decompressor.decompressDirectByteBuffer(out, 0, rawLength, stored, stored.position(),
                    stored.remaining());
            out.clear().limit(Math.max(0, n));
            return n == rawLength;
        } catch (RuntimeException e) {
            return false; // ZstdException: not a frame, or one that does not fit
        }
    }

    @Override
    public void close() {
        compressor.close();
        decompressor.close();
    }
}
