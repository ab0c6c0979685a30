package dev.imgcast.protocol.image;

/**
 * How an image is cut into blocks and a block into packets. Packet {@code p} of block {@code b}
 * holds the bytes of the block's stored form (its raw bytes, or its compressed frame) from
 * {@code p * payloadSize}; its global index, used by the bitmaps, is {@code b * packetsPerBlock + p}.
 *
 * @param storedLengths the stored length of each block (null: every block travels raw)
 */
public record ImageLayout(long imageSize, int blockSize, int payloadSize, int[] storedLengths) {
    public static final int MIN_PAYLOAD = 256;
    public static final int MAX_PAYLOAD = 8900;
    public static final int MAX_BLOCK = 64 << 20;

    public ImageLayout(long imageSize, int blockSize, int payloadSize) {
        this(imageSize, blockSize, payloadSize, null);
    }

    public ImageLayout {
        if (imageSize < 0) {
            throw new IllegalArgumentException("image size must not be negative");
        }
        if (payloadSize < MIN_PAYLOAD || payloadSize > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "payload size must be " + MIN_PAYLOAD + ".." + MAX_PAYLOAD + " bytes, not " + payloadSize);
        }
        if (blockSize < payloadSize || blockSize > MAX_BLOCK) {
            throw new IllegalArgumentException("block size must be between the payload size (" + payloadSize
                    + ") and " + MAX_BLOCK + " bytes, not " + blockSize);
        }
        if (ceilDiv(blockSize, payloadSize) > 0xFFFF) {
            throw new IllegalArgumentException("a block may hold at most 65535 packets");
        }
        if (ceilDiv(imageSize, blockSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large for this block size");
        }
    }

    public int blockCount() {
        return (int) ceilDiv(imageSize, blockSize);
    }

    public int packetsPerBlock() {
        return (int) ceilDiv(blockSize, payloadSize);
    }

    public long blockOffset(int block) {
        return (long) block * blockSize;
    }

    /** Raw bytes of the block in the image. */
    public int blockLength(int block) {
        return (int) Math.min(blockSize, imageSize - blockOffset(block));
    }

    /** Bytes of the block on the wire: its compressed length, or its raw length. */
    public int storedLength(int block) {
        return storedLengths == null ? blockLength(block) : storedLengths[block];
    }

    public int packetsInBlock(int block) {
        return (int) ceilDiv(storedLength(block), payloadSize);
    }

    public int packetLength(int block, int packet) {
        return Math.min(payloadSize, storedLength(block) - packet * payloadSize);
    }

    /** Bits a bitmap over every packet index needs. */
    public long packetSlots() {
        return (long) blockCount() * packetsPerBlock();
    }

    public long packetIndex(int block, int packet) {
        return (long) block * packetsPerBlock() + packet;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
