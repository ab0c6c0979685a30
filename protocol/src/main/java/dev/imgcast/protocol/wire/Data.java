package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * DATA body, sender → group: one packet of one block. The packet's bytes sit in the image at
 * {@code block * blockSize + packet * payloadSize}. The header sequence counts every DATA the
 * sender sends, so receivers can measure loss.
 *
 * <pre>
 *  0 block u32
 *  4 packet u16 | 6 round u16
 *  8 payload (body length - 8 bytes)
 * </pre>
 */
public final class Data {
    public static final int BLOCK_OFFSET = 0;
    public static final int PACKET_OFFSET = 4;
    public static final int ROUND_OFFSET = 6;
    public static final int FIXED_LENGTH = 8;
    /** Bytes of a DATA datagram around its payload. */
    public static final int OVERHEAD = Header.LENGTH + FIXED_LENGTH + Header.TAG_LENGTH;

    private Data() {
    }

    public static void writeFixed(ByteBuf out, int block, int packet, int round) {
        out.writeInt(block);
        out.writeShort(packet);
        out.writeShort(round);
    }

    public static int block(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_OFFSET);
    }

    public static int packet(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + PACKET_OFFSET);
    }

    public static int round(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + ROUND_OFFSET);
    }

    public static int payloadOffset(ByteBuf in) {
        return Header.body(in) + FIXED_LENGTH;
    }

    public static int payloadLength(ByteBuf in) {
        return Header.bodyLength(in) - FIXED_LENGTH;
    }
}
