package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.BlockCodec;
import dev.imgcast.protocol.image.ImageTarget;
import dev.imgcast.protocol.image.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Turns the compressed blocks a receiver completed into raw bytes on its target, off the receive
 * loop: checks the stored form's CRC32C, decompresses it (exactly the block's raw length, or it
 * is rejected), checks the raw CRC32C, and only then writes. A block rejected at any step is
 * reported back and asked for again; nothing of it is written.
 *
 * <p>{@link #submit}, {@link #drain} and {@link #awaitIdle} are called from the receive loop; the
 * work runs on one worker thread (or on the given executor, e.g. inline in simulated-time tests).
 */
final class BlockInflater implements AutoCloseable {
    static final int MAX_PENDING = 4;

    enum Outcome {
        WRITTEN,
        BAD_STORED_CRC,
        BAD_FRAME,
        BAD_CONTENT,
        WRITE_FAILED
    }

    record Done(int block, Outcome outcome, String message) {
    }

    private final ImageTarget target;
    private final Manifest manifest;
    private final Executor executor;
    private final ExecutorService own;
    private final BlockCodec codec;
    private final ByteBuffer raw;
    private final CRC32C crc = new CRC32C();
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    BlockInflater(ImageTarget target, Manifest manifest, Executor executor) {
        this.target = target;
        this.manifest = manifest;
        if (executor == null) {
            own = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "imgcast-inflate");
                t.setDaemon(true);
                return t;
            });
            this.executor = own;
        } else {
            own = null;
            this.executor = executor;
        }
        this.codec = new BlockCodec(0);
        this.raw = ByteBuffer.allocateDirect(manifest.blockSize());
        for (int i = 0; i < MAX_PENDING; i++) {
            free.add(ByteBuffer.allocateDirect(manifest.blockSize()));
        }
    }

    /** Copies the stored form of {@code block} (position to limit) and has it checked, inflated and written. */
    void submit(int block, ByteBuffer stored) {
        ByteBuffer copy;
        while ((copy = free.poll()) == null) {
            LockSupport.parkNanos(50_000L); // MAX_PENDING blocks in the works: wait for one
        }
        copy.clear();
        copy.put(stored.duplicate()).flip();
        pending.incrementAndGet();
        ByteBuffer job = copy;
        executor.execute(() -> {
            try {
                done.add(inflate(block, job));
            } finally {
                free.add(job);
                pending.decrementAndGet();
            }
        });
    }

    private Done inflate(int block, ByteBuffer stored) {
        crc.reset();
        crc.update(stored.duplicate());
        if ((int) crc.getValue() != manifest.storedCrc32c(block)) {
            return new Done(block, Outcome.BAD_STORED_CRC, "its compressed form fails its CRC32C");
        }
        int length = manifest.rawLength(block);
        if (!codec.decompress(stored, raw.clear(), length)) {
            return new Done(block, Outcome.BAD_FRAME, "it does not decompress to " + length + " bytes");
        }
        crc.reset();
        crc.update(raw.duplicate());
        if ((int) crc.getValue() != manifest.crc32c(block)) {
            return new Done(block, Outcome.BAD_CONTENT, "it decompresses to the wrong content (CRC32C)");
        }
        try {
            target.write(raw, (long) block * manifest.blockSize());
            return new Done(block, Outcome.WRITTEN, "");
        } catch (IOException | RuntimeException e) {
            return new Done(block, Outcome.WRITE_FAILED, String.valueOf(e.getMessage()));
        }
    }

    /** What finished since the last call. */
    List<Done> drain() {
        List<Done> out = new ArrayList<>();
        Done d;
        while ((d = done.poll()) != null) {
            out.add(d);
        }
        return out;
    }

    /** Waits until nothing is in the works (a few milliseconds at most). */
    void awaitIdle() {
        while (pending.get() > 0) {
            LockSupport.parkNanos(50_000L);
        }
    }

    int pending() {
        return pending.get();
    }

    @Override
    public void close() {
        if (own != null) {
            own.shutdown();
        }
    }
}
