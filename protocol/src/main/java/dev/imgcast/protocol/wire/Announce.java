package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * ANNOUNCE body, sender → group, sent periodically for the whole transfer.
 *
 * <pre>
 *  0 state u8 | 1 reserved u8 | 2 payload size u16
 *  4 block size u32
 *  8 image size u64
 * 16 block count u32
 * 20 manifest length u32 (bytes)
 * 24 manifest chunk size u16 | 26 expected receivers u16 (0 = not fixed)
 * 28 image SHA-256 (32 bytes)
 * 60
 * </pre>
 */
public final class Announce {
    public static final int STATE_OFFSET = 0;
    public static final int PAYLOAD_SIZE_OFFSET = 2;
    public static final int BLOCK_SIZE_OFFSET = 4;
    public static final int IMAGE_SIZE_OFFSET = 8;
    public static final int BLOCK_COUNT_OFFSET = 16;
    public static final int MANIFEST_LENGTH_OFFSET = 20;
    public static final int CHUNK_SIZE_OFFSET = 24;
    public static final int EXPECTED_RECEIVERS_OFFSET = 26;
    public static final int SHA256_OFFSET = 28;
    public static final int LENGTH = 60;

    public static final int STATE_WAITING = 1;
    public static final int STATE_RUNNING = 2;
    public static final int STATE_FINISHED = 3;

    private Announce() {
    }

    public static void writeBody(ByteBuf out, int state, int payloadSize, int blockSize, long imageSize,
            int blockCount, int manifestLength, int chunkSize, int expectedReceivers, byte[] sha256) {
        out.writeByte(state);
        out.writeByte(0);
        out.writeShort(payloadSize);
        out.writeInt(blockSize);
        out.writeLong(imageSize);
        out.writeInt(blockCount);
        out.writeInt(manifestLength);
        out.writeShort(chunkSize);
        out.writeShort(expectedReceivers);
        out.writeBytes(sha256, 0, 32);
    }

    public static int state(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + STATE_OFFSET);
    }

    public static int payloadSize(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + PAYLOAD_SIZE_OFFSET);
    }

    public static int blockSize(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_SIZE_OFFSET);
    }

    public static long imageSize(ByteBuf in) {
        return in.getLong(Header.body(in) + IMAGE_SIZE_OFFSET);
    }

    public static int blockCount(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_COUNT_OFFSET);
    }

    public static int manifestLength(ByteBuf in) {
        return in.getInt(Header.body(in) + MANIFEST_LENGTH_OFFSET);
    }

    public static int chunkSize(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + CHUNK_SIZE_OFFSET);
    }

    public static int expectedReceivers(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + EXPECTED_RECEIVERS_OFFSET);
    }

    public static byte[] sha256(ByteBuf in) {
        byte[] sha = new byte[32];
        in.getBytes(Header.body(in) + SHA256_OFFSET, sha);
        return sha;
    }
}
