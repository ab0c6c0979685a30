package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * An image kept in its stored form: the stored bytes (zstd frame, or raw) of every non-zero
 * block, one after the other in block order, zero blocks left out. The manifest is the index:
 * block {@code b} starts at the sum of the stored lengths before it, and its length and CRC32C
 * are the manifest's. This is what image-store keeps once an upload is checked and what
 * multicast-sender sends from, without compressing anything again.
 *
 * <p>Every block read is checked against the manifest's CRC32C of its stored form: a packed
 * file damaged on disk or in transit is an IOException naming the block, never a wrong block on
 * the wire. {@link #stored} is called from one thread (the sender's event loop).
 */
public final class PackedBlocks implements StoredBlocks {
    private final BlockSource packed;
    private final Manifest manifest;
    private final long[] offsets;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();

    /** Reads the blocks of {@code manifest} from {@code packed}, a packed file of exactly {@link #length} bytes. */
    public PackedBlocks(BlockSource packed, Manifest manifest) {
        this.packed = packed;
        this.manifest = manifest;
        this.offsets = offsets(manifest);
        this.buffer = ByteBuffer.allocateDirect(manifest.blockSize());
    }

    /** The size of the packed form of an image with this manifest: its stored bytes. */
    public static long length(Manifest manifest) {
        return manifest.storedBytes();
    }

    /** Where each block starts in the packed form (zero blocks: where the next one starts). */
    public static long[] offsets(Manifest manifest) {
        long[] offsets = new long[manifest.blockCount()];
        long at = 0;
        for (int b = 0; b < offsets.length; b++) {
            offsets[b] = at;
            at += manifest.storedLength(b); // 0 for a zero block
        }
        return offsets;
    }

    /**
     * Writes the packed form of an image to {@code out}: every non-zero block's stored form, from
     * {@code blocks} (which checks each against the manifest), in block order. Returns the bytes
     * written; {@code progress} is told them after each block (may be null).
     */
    public static long write(StoredBlocks blocks, Manifest manifest, WritableByteChannel out,
            LongConsumer progress) throws IOException {
        long written = 0;
        for (int b = 0; b < manifest.blockCount(); b++) {
            if (manifest.isZero(b)) {
                continue;
            }
            ByteBuffer stored = blocks.stored(b).duplicate();
            while (stored.hasRemaining()) {
                written += out.write(stored);
            }
            if (progress != null) {
                progress.accept(written);
            }
        }
        return written;
    }

    @Override
    public ByteBuffer stored(int block) throws IOException {
        int length = manifest.storedLength(block);
        buffer.clear().limit(length);
        packed.read(offsets[block], buffer);
        buffer.flip();
        crc.reset();
        crc.update(buffer.duplicate());
        if ((int) crc.getValue() != manifest.storedCrc32c(block)) {
            throw new IOException("block " + block + " of the stored image is damaged (its CRC32C does not match the"
                    + " manifest); the stored copy must be replaced");
        }
        return buffer;
    }

    @Override
    public void close() {
        // nothing of its own: the caller owns the file
    }

    /**
     * Checks a packed form as it streams by, block after block: {@link #accept} takes any slices
     * of it in order, {@link #finish} says whether it was complete. Used on a download, so a
     * damaged copy is refused before it is ever sent.
     */
    public static final class Checker {
        private final Manifest manifest;
        private final CRC32C crc = new CRC32C();
        private int block = -1;
        private long left;
        private long total;

        public Checker(Manifest manifest) {
            this.manifest = manifest;
            next();
        }

        /** Takes the next bytes (position to limit; the position is left unchanged). */
        public void accept(ByteBuffer bytes) throws IOException {
            ByteBuffer b = bytes.duplicate();
            while (b.hasRemaining()) {
                if (block >= manifest.blockCount()) {
                    throw new IOException("the stored image is longer than its manifest says ("
                            + length(manifest) + " bytes)");
                }
                int n = (int) Math.min(left, b.remaining());
                ByteBuffer part = b.slice(b.position(), n);
                crc.update(part);
                b.position(b.position() + n);
                left -= n;
                total += n;
                if (left == 0) {
                    if ((int) crc.getValue() != manifest.storedCrc32c(block)) {
                        throw new IOException("block " + block + " of the stored image is damaged (its CRC32C does not"
                                + " match the manifest)");
                    }
                    next();
                }
            }
        }

        /** Throws unless every block arrived whole. */
        public void finish() throws IOException {
            if (block < manifest.blockCount()) {
                throw new IOException("the stored image ended early: " + total + " of " + length(manifest) + " bytes");
            }
        }

        private void next() {
            crc.reset();
            do {
                block++;
            } while (block < manifest.blockCount() && manifest.isZero(block));
            left = block < manifest.blockCount() ? manifest.storedLength(block) : 0;
        }
    }
}
