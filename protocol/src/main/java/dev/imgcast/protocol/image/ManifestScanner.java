package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        return scan(image, size, blockSize, level, threads, progress, null);
    }

    /** Where a scan hands each non-zero block's stored form, in block order, on the scanning thread. */
    @FunctionalInterface
    public interface StoredSink {
        /** {@code stored} (position to limit) is valid only during the call. */
        void accept(int block, ByteBuffer stored) throws IOException;
    }

    /**
     * As {@link #scan(BlockSource, long, int, int, int, LongConsumer)}, and every non-zero block's
     * stored form also goes to {@code sink}, in block order: one pass compresses the image and
     * writes its packed form (image-store's upload).
     */
    public static Manifest scan(BlockSource image, long size, int blockSize, int level, int threads,
            LongConsumer progress, StoredSink sink) throws IOException {
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
        Ordered ordered = sink == null ? null : new Ordered(sink, buffers, BlockCodec.bound(blockSize));
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
                        if (ordered != null) {
                            ordered.drainAll();
                            sink.accept(b, buffer.duplicate());
                        }
                        free.add(buffer);
                    } else {
                        int block = b;
                        ByteBuffer keep = ordered == null ? null : ordered.out();
                        Runnable job = () -> {
                            try {
                                compressors.get().store(buffer, block, crcs[block], stored, storedCrcs, keep);
                            } finally {
                                free.add(buffer);
                            }
                        };
                        if (workers != null && ordered == null) {
                            workers.execute(job);
                        } else if (workers != null) {
                            ordered.add(block, workers.submit(job), keep);
                        } else {
                            job.run();
                            if (ordered != null) {
                                ordered.add(block, CompletableFuture.completedFuture(null), keep);
                            }
                        }
                    }
                }
                if (progress != null) {
                    progress.accept(offset + length);
                }
            }
            if (ordered != null) {
                ordered.drainAll();
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

    /**
     * Stored forms made on worker threads, handed to the sink in block order: a block's form is
     * passed on once it and every block before it are done; at most a few wait.
     */
    private static final class Ordered {
        private final StoredSink sink;
        private final int most;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private final ArrayDeque<ByteBuffer> outs = new ArrayDeque<>();

        Ordered(StoredSink sink, int most, int bound) {
            this.sink = sink;
            this.most = most;
            for (int i = 0; i <= most; i++) {
                outs.add(ByteBuffer.allocateDirect(bound));
            }
        }

        ByteBuffer out() throws IOException {
            while (outs.isEmpty()) {
                drainOne();
            }
            return outs.poll();
        }

        void add(int block, Future<?> done, ByteBuffer out) throws IOException {
            pending.add(new Pending(block, done, out));
            while (!pending.isEmpty() && (pending.size() > most || pending.peek().done().isDone())) {
                drainOne();
            }
        }

        void drainAll() throws IOException {
            while (!pending.isEmpty()) {
                drainOne();
            }
        }

        private void drainOne() throws IOException {
            Pending head = pending.poll();
            try {
                head.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while compressing the image", e);
            } catch (ExecutionException e) {
                throw new IOException("compressing block " + head.block() + " failed: " + e.getCause(), e.getCause());
            }
            sink.accept(head.block(), head.out().duplicate());
            outs.add(head.out());
        }
    }

    /** A block being compressed for the sink, and where its stored form will be. */
    private record Pending(int block, Future<?> done, ByteBuffer out) {
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

        /** Learns the block's stored form; with {@code keep}, also leaves a copy of it there (position 0 to its limit). */
        void store(ByteBuffer raw, int block, int rawCrc, int[] stored, int[] storedCrcs, ByteBuffer keep) {
            int n = codec.compress(raw.duplicate(), out.clear());
            if (n < 0) {
                stored[block] = raw.remaining();
                storedCrcs[block] = rawCrc;
                if (keep != null) {
                    keep.clear().put(raw.duplicate()).flip();
                }
                return;
            }
            crc.reset();
            crc.update(out.clear().limit(n));
            stored[block] = n;
            storedCrcs[block] = (int) crc.getValue();
            if (keep != null) {
                keep.clear().put(out.clear().limit(n)).flip();
            }
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
