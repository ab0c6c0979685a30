package dev.imgcast.protocol.image;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * What a receiver must know before data: image size, block size, SHA-256 of the whole image, a
 * CRC32C per block and which blocks are all zero (those are never sent).
 *
 * <p>Serialized form (big-endian), carried in MANIFEST chunks and cached beside stored images:
 * <pre>
 *  0 magic "IMGM" u32 | 4 version u8 | 5..7 reserved
 *  8 image size u64
 * 16 block size u32 | 20 block count u32
 * 24 SHA-256 (32 bytes)
 * 56 zero-block map: ceil(blockCount / 8) bytes, bit (b % 8) of byte (b / 8) set = block b all zero
 *  . CRC32C per block, u32 each (0 for zero blocks)
 * </pre>
 */
public final class Manifest {
    public static final int MAGIC = 0x494D474D;
    public static final int HEADER_LENGTH = 56;

    private final long imageSize;
    private final int blockSize;
    private final byte[] sha256;
    private final int[] crc32c;
    private final BitSet zeroBlocks;

    public Manifest(long imageSize, int blockSize, byte[] sha256, int[] crc32c, BitSet zeroBlocks) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("SHA-256 is 32 bytes");
        }
        long blocks = (imageSize + blockSize - 1) / blockSize;
        if (blocks != crc32c.length) {
            throw new IllegalArgumentException("one checksum per block");
        }
        this.imageSize = imageSize;
        this.blockSize = blockSize;
        this.sha256 = sha256.clone();
        this.crc32c = crc32c;
        this.zeroBlocks = zeroBlocks;
    }

    public long imageSize() {
        return imageSize;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return crc32c.length;
    }

    public byte[] sha256() {
        return sha256.clone();
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    public int crc32c(int block) {
        return crc32c[block];
    }

    public boolean isZero(int block) {
        return zeroBlocks.get(block);
    }

    public int zeroBlockCount() {
        return zeroBlocks.cardinality();
    }

    /** Bytes that travel: the image less its zero blocks. */
    public long bytesToSend() {
        long zero = 0;
        for (int b = zeroBlocks.nextSetBit(0); b >= 0; b = zeroBlocks.nextSetBit(b + 1)) {
            zero += Math.min(blockSize, imageSize - (long) b * blockSize);
        }
        return imageSize - zero;
    }

    public ImageLayout layout(int payloadSize) {
        return new ImageLayout(imageSize, blockSize, payloadSize);
    }

    public int serializedLength() {
        return HEADER_LENGTH + (blockCount() + 7) / 8 + 4 * blockCount();
    }

    public byte[] serialize() {
        ByteBuffer out = ByteBuffer.allocate(serializedLength());
        out.putInt(MAGIC).put((byte) 1).put((byte) 0).putShort((short) 0);
        out.putLong(imageSize).putInt(blockSize).putInt(blockCount()).put(sha256);
        byte[] map = new byte[(blockCount() + 7) / 8];
        for (int b = zeroBlocks.nextSetBit(0); b >= 0; b = zeroBlocks.nextSetBit(b + 1)) {
            map[b >>> 3] |= (byte) (1 << (b & 7));
        }
        out.put(map);
        for (int crc : crc32c) {
            out.putInt(crc);
        }
        return out.array();
    }

    /** Parses a serialized manifest; a malformed one is an {@link IllegalArgumentException}. */
    public static Manifest parse(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH) {
            throw new IllegalArgumentException("manifest truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC || in.get() != 1) {
            throw new IllegalArgumentException("not a v1 manifest");
        }
        in.position(8);
        long imageSize = in.getLong();
        int blockSize = in.getInt();
        int blockCount = in.getInt();
        if (imageSize < 0 || blockSize <= 0 || blockCount < 0
                || (imageSize + blockSize - 1) / blockSize != blockCount) {
            throw new IllegalArgumentException("manifest geometry inconsistent");
        }
        long expected = HEADER_LENGTH + (blockCount + 7L) / 8 + 4L * blockCount;
        if (bytes.length != expected) {
            throw new IllegalArgumentException("manifest length " + bytes.length + ", expected " + expected);
        }
        byte[] sha = new byte[32];
        in.get(sha);
        byte[] map = new byte[(blockCount + 7) / 8];
        in.get(map);
        BitSet zero = BitSet.valueOf(map);
        int[] crc = new int[blockCount];
        for (int b = 0; b < blockCount; b++) {
            crc[b] = in.getInt();
        }
        return new Manifest(imageSize, blockSize, sha, crc, zero);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && Arrays.equals(serialize(), m.serialize());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }
}
