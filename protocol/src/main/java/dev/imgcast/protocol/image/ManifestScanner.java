package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Reads an image once, front to back, and computes its manifest. Memory: one block buffer.
 */
public final class ManifestScanner {
    private ManifestScanner() {
    }

    /**
     * @param progress told the number of bytes read so far, after each block (may be null)
     */
    public static Manifest scan(BlockSource image, long size, int blockSize, LongConsumer progress)
            throws IOException {
        MessageDigest sha = sha256();
        int blocks = (int) ((size + blockSize - 1) / blockSize);
        int[] crcs = new int[blocks];
        BitSet zero = new BitSet(blocks);
        ByteBuffer buffer = ByteBuffer.allocateDirect(blockSize);
        CRC32C crc = new CRC32C();
        for (int b = 0; b < blocks; b++) {
            long offset = (long) b * blockSize;
            int length = (int) Math.min(blockSize, size - offset);
            buffer.clear().limit(length);
            image.read(offset, buffer);
            buffer.flip();
            sha.update(buffer.duplicate());
            if (BlockBytes.isAllZero(buffer)) {
                zero.set(b);
            } else {
                crc.reset();
                crc.update(buffer.duplicate());
                crcs[b] = (int) crc.getValue();
            }
            if (progress != null) {
                progress.accept(offset + length);
            }
        }
        return new Manifest(size, blockSize, sha.digest(), crcs, zero);
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
