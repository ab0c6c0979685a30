package dev.imgcast.protocol.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * The stored forms of an image's blocks, made from its raw bytes as they are needed: raw blocks
 * are read, compressed ones are compressed again with the manifest's level (zstd is
 * deterministic) on worker threads, ahead of the sender, so the link does not wait for the
 * compressor. Each compressed form is checked against the manifest's length and CRC32C: a source
 * that changed since it was scanned is an error, never a wrong block on the wire.
 *
 * <p>{@link #stored} is called from one thread (the sender's event loop).
 */
public final class ImageBlocks implements StoredBlocks {
    private final BlockSource source;
    private final Manifest manifest;
    private final int ahead;
    private final ExecutorService workers;
    private final ThreadLocal<Worker> perThread;
    private final Worker own;
    private final ByteBuffer raw;
    private final TreeMap<Integer, Future<ByteBuffer>> scheduled = new TreeMap<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private ByteBuffer lent;

    /** @param threads compressing threads (0: compress on the caller's thread, no read-ahead) */
    public ImageBlocks(BlockSource source, Manifest manifest, int threads) {
        this.source = source;
        this.manifest = manifest;
        this.raw = ByteBuffer.allocateDirect(manifest.blockSize());
        boolean compressed = manifest.level() != 0;
        this.ahead = compressed ? 2 * threads : 0;
        this.workers = compressed && threads > 0 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imgcast-compress");
            t.setDaemon(true);
            return t;
        }) : null;
        this.perThread = ThreadLocal.withInitial(() -> new Worker(manifest));
        this.own = compressed ? new Worker(manifest) : null;
        int out = BlockCodec.bound(manifest.blockSize());
        for (int i = 0; i < ahead + 1; i++) {
            free.add(ByteBuffer.allocateDirect(out));
        }
    }

    /** Worker threads for a sender on this machine: the cores less the event loop's, at least one, at most 4. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
    }

    @Override
    public ByteBuffer stored(int block) throws IOException {
        if (lent != null) {
            free.add(lent);
            lent = null;
        }
        if (!manifest.isCompressed(block)) {
            raw.clear().limit(manifest.rawLength(block));
            source.read((long) block * manifest.blockSize(), raw);
            return raw.flip();
        }
        dropScheduledBefore(block);
        Future<ByteBuffer> ready = scheduled.remove(block);
        ByteBuffer out;
        if (ready != null) {
            out = await(ready);
        } else {
            out = free.poll();
            try {
                own.compress(source, block, out);
            } catch (UncheckedIOException e) {
                free.add(out);
                throw e.getCause();
            }
        }
        lent = out;
        scheduleAfter(block);
        return out;
    }

    private void scheduleAfter(int block) {
        if (workers == null) {
            return;
        }
        for (int b = block + 1; b < manifest.blockCount() && scheduled.size() < ahead && !free.isEmpty(); b++) {
            if (manifest.isCompressed(b) && !scheduled.containsKey(b)) {
                int target = b;
                ByteBuffer out = free.poll();
                scheduled.put(b, workers.submit(() -> {
                    perThread.get().compress(source, target, out);
                    return out;
                }));
            }
        }
    }

    private void dropScheduledBefore(int block) throws IOException {
        Iterator<Map.Entry<Integer, Future<ByteBuffer>>> it = scheduled.headMap(block).entrySet().iterator();
        while (it.hasNext()) {
            Future<ByteBuffer> f = it.next().getValue();
            it.remove();
            try {
                free.add(await(f));
            } catch (IOException e) {
                // a block we no longer need could not be made: the error shows when it is needed
            }
        }
    }

    private ByteBuffer await(Future<ByteBuffer> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("compressing failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** One thread's codec and raw buffer. */
    private static final class Worker {
        private final Manifest manifest;
        private final BlockCodec codec;
        private final ByteBuffer raw;
        private final CRC32C crc = new CRC32C();

        Worker(Manifest manifest) {
            this.manifest = manifest;
            this.codec = new BlockCodec(manifest.level());
            this.raw = ByteBuffer.allocateDirect(manifest.blockSize());
        }

        void compress(BlockSource source, int block, ByteBuffer out) {
            try {
                raw.clear().limit(manifest.rawLength(block));
                source.read((long) block * manifest.blockSize(), raw);
                raw.flip();
                int n = codec.compress(raw, out.clear());
                out.limit(Math.max(n, 0));
                crc.reset();
                crc.update(out.duplicate());
                if (n != manifest.storedLength(block) || (int) crc.getValue() != manifest.storedCrc32c(block)) {
                    throw new IOException("block " + block + " of the image changed since its manifest was made (compressed"
                            + " to " + n + " bytes, the manifest says " + manifest.storedLength(block) + ")");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
