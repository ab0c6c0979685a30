package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Reads an image once, front to back, and computes its manifest. With a zstd level, each non-zero
 * block is also compressed, on worker threads while the reading thread hashes, to learn its
 * stored length and CRC32C (the sender compresses it again when it sends it: zstd gives the same
 * bytes for the same input and level). Memory: a few block buffers.
 */
public final class ManifestScanner {
    private ManifestScanner() {
    }

    /** A manifest of raw blocks (nothing compressed). */
    public static Manifest scan(BlockSource image, long size, int blockSize, LongConsumer progress)
            throws IOException {
        return scan(image, size, blockSize, 0, 0, progress);
    }

    /**
     * @param level    zstd level for the stored forms (0: store every block raw)
     * @param threads  compressing threads (0: on this thread)
     * @param progress told the number of bytes read so far, after each block (may be null)
     */
    public static Manifest scan(BlockSource image, long size, int blockSize, int level, int threads,
            LongConsumer progress) throws IOException {
        MessageDigest sha = sha256();
        int blocks = (int) ((size + blockSize - 1) / blockSize);
        int[] crcs = new int[blocks];
        int[] stored = level == 0 ? null : new int[blocks];
        int[] storedCrcs = level == 0 ? null : new int[blocks];
        BitSet zero = new BitSet(blocks);
        int buffers = Math.max(2, 2 * threads);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(blockSize));
        }
        ExecutorService workers = level != 0 && threads > 0 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imgcast-scan");
            t.setDaemon(true);
            return t;
        }) : null;
        ThreadLocal<Compressor> compressors = ThreadLocal.withInitial(() -> new Compressor(level, blockSize));
        CRC32C crc = new CRC32C();
        try {
            for (int b = 0; b < blocks; b++) {
                long offset = (long) b * blockSize;
                int length = (int) Math.min(blockSize, size - offset);
                ByteBuffer buffer = take(free);
                buffer.clear().limit(length);
                image.read(offset, buffer);
                buffer.flip();
                sha.update(buffer.duplicate());
                if (BlockBytes.isAllZero(buffer)) {
                    zero.set(b);
                    free.add(buffer);
                } else {
                    crc.reset();
                    crc.update(buffer.duplicate());
                    crcs[b] = (int) crc.getValue();
                    if (level == 0) {
                        free.add(buffer);
                    } else {
                        int block = b;
                        Runnable job = () -> {
                            try {
                                compressors.get().store(buffer, block, crcs[block], stored, storedCrcs);
                            } finally {
                                free.add(buffer);
                            }
                        };
                        if (workers != null) {
                            workers.execute(job);
                        } else {
                            job.run();
                        }
                    }
                }
                if (progress != null) {
                    progress.accept(offset + length);
                }
            }
        } finally {
            if (workers != null) {
                workers.shutdown();
                awaitQuietly(workers);
            }
        }
        return new Manifest(size, blockSize, sha.digest(), crcs, zero, level, stored, storedCrcs);
    }

    private static ByteBuffer take(BlockingQueue<ByteBuffer> free) throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the image", e);
        }
    }

    private static void awaitQuietly(ExecutorService workers) throws IOException {
        try {
            if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
                throw new IOException("compressing the image did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing the image", e);
        }
    }

    /** One thread's codec and output buffer. */
    private static final class Compressor {
        private final BlockCodec codec;
        private final ByteBuffer out;
        private final CRC32C crc = new CRC32C();

        Compressor(int level, int blockSize) {
            this.codec = new BlockCodec(level);
            this.out = ByteBuffer.allocateDirect(BlockCodec.bound(blockSize));
        }

        void store(ByteBuffer raw, int block, int rawCrc, int[] stored, int[] storedCrcs) {
            int n = codec.compress(raw.duplicate(), out.clear());
            if (n < 0) {
                stored[block] = raw.remaining();
                storedCrcs[block] = rawCrc;
                return;
            }
            crc.reset();
            crc.update(out.clear().limit(n));
            stored[block] = n;
            storedCrcs[block] = (int) crc.getValue();
        }
    }

    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("image ended early at byte " + position + " (was it truncated while being read?)");
            }
            position += n;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
