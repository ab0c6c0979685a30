package dev.imgcast.protocol.image;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * What a receiver must know before data: image size, block size, SHA-256 of the whole image,
 * which blocks are all zero (those are never sent), and per block a CRC32C of its raw bytes, the
 * length of its stored form (compressed, or raw when compressing did not pay) and a CRC32C of
 * that form.
 *
 * <p>Serialized form v2 (big-endian), carried in MANIFEST chunks and kept beside stored images:
 * <pre>
 *  0 magic "IMGM" u32 | 4 version u8 (2) | 5 zstd level i8 (0 = not compressed) | 6..7 reserved
 *  8 image size u64
 * 16 block size u32 | 20 block count u32
 * 24 SHA-256 (32 bytes)
 * 56 zero-block map: ceil(blockCount / 8) bytes, bit (b % 8) of byte (b / 8) set = block b all zero
 *  . per block, 12 bytes: CRC32C of the raw block u32, stored length u32, CRC32C of the stored form u32
 *    (all 0 for zero blocks; stored length = raw length and the same CRC for a block stored raw)
 * </pre>
 * Version 1 (no level, 4 bytes per block: the raw CRC32C) is still read: every block raw.
 */
public final class Manifest {
    public static final int MAGIC = 0x494D474D;
    public static final int HEADER_LENGTH = 56;

    private final long imageSize;
    private final int blockSize;
    private final byte[] sha256;
    private final int[] crc32c;
    private final BitSet zeroBlocks;
    private final int level;
    private final int[] storedLength;
    private final int[] storedCrc;

    /** A manifest of raw blocks. */
    public Manifest(long imageSize, int blockSize, byte[] sha256, int[] crc32c, BitSet zeroBlocks) {
        this(imageSize, blockSize, sha256, crc32c, zeroBlocks, 0, null, null);
    }

    /**
     * @param level        the zstd level the stored forms were made with (0: none)
     * @param storedLength per block (null: all raw)
     * @param storedCrc    per block (null: all raw)
     */
    public Manifest(long imageSize, int blockSize, byte[] sha256, int[] crc32c, BitSet zeroBlocks, int level,
            int[] storedLength, int[] storedCrc) {
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
        this.level = storedLength == null ? 0 : level;
        this.storedLength = storedLength;
        this.storedCrc = storedCrc;
        if (storedLength != null) {
            if (storedLength.length != crc32c.length || storedCrc == null || storedCrc.length != crc32c.length) {
                throw new IllegalArgumentException("one stored length and checksum per block");
            }
            for (int b = 0; b < storedLength.length; b++) {
                int raw = rawLength(b);
                boolean zero = zeroBlocks.get(b);
                if (zero ? storedLength[b] != 0 : storedLength[b] <= 0 || storedLength[b] > raw
                        || storedLength[b] == raw && storedCrc[b] != crc32c[b]) {
                    throw new IllegalArgumentException("block " + b + ": stored length " + storedLength[b]
                            + " does not fit its raw length " + raw);
                }
            }
        }
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

    /** The zstd level of the stored forms, 0 when nothing is compressed. */
    public int level() {
        return level;
    }

    public int rawLength(int block) {
        return (int) Math.min(blockSize, imageSize - (long) block * blockSize);
    }

    /** Bytes of the block on the wire (0 for a zero block, which never travels). */
    public int storedLength(int block) {
        if (zeroBlocks.get(block)) {
            return 0;
        }
        return storedLength == null ? rawLength(block) : storedLength[block];
    }

    public int storedCrc32c(int block) {
        return storedLength == null ? crc32c[block] : storedCrc[block];
    }

    /** True when the block travels compressed. */
    public boolean isCompressed(int block) {
        return storedLength != null && !zeroBlocks.get(block) && storedLength[block] < rawLength(block);
    }

    /** Raw bytes that travel: the image less its zero blocks (what a receiver writes). */
    public long bytesToSend() {
        long zero = 0;
        for (int b = zeroBlocks.nextSetBit(0); b >= 0; b = zeroBlocks.nextSetBit(b + 1)) {
            zero += rawLength(b);
        }
        return imageSize - zero;
    }

    /** Bytes on the wire for one pass over the image: the stored forms of the non-zero blocks. */
    public long storedBytes() {
        if (storedLength == null) {
            return bytesToSend();
        }
        long total = 0;
        for (int b = 0; b < storedLength.length; b++) {
            total += storedLength(b);
        }
        return total;
    }

    public ImageLayout layout(int payloadSize) {
        if (storedLength == null) {
            return new ImageLayout(imageSize, blockSize, payloadSize);
        }
        int[] lengths = new int[blockCount()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = storedLength(b);
        }
        return new ImageLayout(imageSize, blockSize, payloadSize, lengths);
    }

    public int serializedLength() {
        return HEADER_LENGTH + (blockCount() + 7) / 8 + 12 * blockCount();
    }

    public byte[] serialize() {
        ByteBuffer out = ByteBuffer.allocate(serializedLength());
        out.putInt(MAGIC).put((byte) 2).put((byte) level).putShort((short) 0);
        out.putLong(imageSize).putInt(blockSize).putInt(blockCount()).put(sha256);
        byte[] map = new byte[(blockCount() + 7) / 8];
        for (int b = zeroBlocks.nextSetBit(0); b >= 0; b = zeroBlocks.nextSetBit(b + 1)) {
            map[b >>> 3] |= (byte) (1 << (b & 7));
        }
        out.put(map);
        for (int b = 0; b < blockCount(); b++) {
            out.putInt(crc32c[b]).putInt(storedLength(b)).putInt(isZero(b) ? 0 : storedCrc32c(b));
        }
        return out.array();
    }

    /** Parses a serialized manifest (v2, or v1 as kept by older stores); a malformed one is an IllegalArgumentException. */
    public static Manifest parse(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH) {
            throw new IllegalArgumentException("manifest truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int version = in.getInt() == MAGIC ? in.get() : -1;
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("not a v1 or v2 manifest");
        }
        int level = version == 2 ? in.get() : 0;
        in.position(8);
        long imageSize = in.getLong();
        int blockSize = in.getInt();
        int blockCount = in.getInt();
        if (imageSize < 0 || blockSize <= 0 || blockCount < 0
                || (imageSize + blockSize - 1) / blockSize != blockCount) {
            throw new IllegalArgumentException("manifest geometry inconsistent");
        }
        int perBlock = version == 2 ? 12 : 4;
        long expected = HEADER_LENGTH + (blockCount + 7L) / 8 + (long) perBlock * blockCount;
        if (bytes.length != expected) {
            throw new IllegalArgumentException("manifest length " + bytes.length + ", expected " + expected);
        }
        byte[] sha = new byte[32];
        in.get(sha);
        byte[] map = new byte[(blockCount + 7) / 8];
        in.get(map);
        BitSet zero = BitSet.valueOf(map);
        int[] crc = new int[blockCount];
        int[] stored = version == 2 ? new int[blockCount] : null;
        int[] storedCrc = version == 2 ? new int[blockCount] : null;
        for (int b = 0; b < blockCount; b++) {
            crc[b] = in.getInt();
            if (stored != null) {
                stored[b] = in.getInt();
                storedCrc[b] = in.getInt();
            }
        }
        if (stored != null && level == 0) {
            return new Manifest(imageSize, blockSize, sha, crc, zero, 0, stored, storedCrc).rawIfUncompressed();
        }
        return new Manifest(imageSize, blockSize, sha, crc, zero, level, stored, storedCrc);
    }

    private Manifest rawIfUncompressed() {
        for (int b = 0; b < blockCount(); b++) {
            if (isCompressed(b)) {
                throw new IllegalArgumentException("block " + b + " is compressed but the manifest names no level");
            }
        }
        return new Manifest(imageSize, blockSize, sha256, crc32c, zeroBlocks);
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
