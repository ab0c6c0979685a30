package dev.imgcast.protocol.image;

/**
 * How an image is cut into blocks and a block into packets. Packet {@code p} of block {@code b}
 * holds the image bytes from {@code b * blockSize + p * payloadSize}; its global index, used by
 * the bitmaps, is {@code b * packetsPerBlock + p}.
 */
public record ImageLayout(long imageSize, int blockSize, int payloadSize) {
    public static final int MIN_PAYLOAD = 256;
    public static final int MAX_PAYLOAD = 8900;
    public static final int MAX_BLOCK = 64 << 20;

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

    public int blockLength(int block) {
        return (int) Math.min(blockSize, imageSize - blockOffset(block));
    }

    public int packetsInBlock(int block) {
        return (int) ceilDiv(blockLength(block), payloadSize);
    }

    public int packetLength(int block, int packet) {
        return Math.min(payloadSize, blockLength(block) - packet * payloadSize);
    }

    public long packetOffset(int block, int packet) {
        return blockOffset(block) + (long) packet * payloadSize;
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
