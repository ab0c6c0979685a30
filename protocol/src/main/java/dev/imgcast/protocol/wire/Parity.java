package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * PARITY body, sender → group: one parity symbol of one packet group of one block. A block's
 * packets are dealt to its groups in turn (packet p is source p / groups of group p % groups), so a
 * burst of lost packets costs each group a few. Any e parity symbols of a group rebuild any e of
 * its missing packets (engine {@code PacketGroups}, fec {@code ParityCode}); the payload is as long
 * as the group's first packet, shorter packets counted as padded with zeros.
 *
 * <pre>
 *  0 block u32
 *  4 group u16 | 6 parity index u16
 *  8 round u16 | 10 reserved u16 (zero)
 * 12 payload (body length - 12 bytes)
 * </pre>
 */
public final class Parity {
    public static final int BLOCK_OFFSET = 0;
    public static final int GROUP_OFFSET = 4;
    public static final int INDEX_OFFSET = 6;
    public static final int ROUND_OFFSET = 8;
    public static final int FIXED_LENGTH = 12;
    /** Bytes of a PARITY datagram around its payload. */
    public static final int OVERHEAD = Header.LENGTH + FIXED_LENGTH + Header.TAG_LENGTH;

    private Parity() {
    }

    public static void writeFixed(ByteBuf out, int block, int group, int index, int round) {
        out.writeInt(block);
        out.writeShort(group);
        out.writeShort(index);
        out.writeShort(round);
        out.writeShort(0);
    }

    public static int block(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_OFFSET);
    }

    public static int group(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + GROUP_OFFSET);
    }

    public static int index(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + INDEX_OFFSET);
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
