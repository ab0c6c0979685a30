package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * STATUS body, receiver → sender (unicast): progress and loss, and negative acknowledgements.
 *
 * <pre>
 *  0 round u32                (the round this report is about)
 *  4 data packets received u32 (cumulative, wraps)
 *  8 highest data sequence seen u32
 * 12 packets still missing u32 (whole image; 0 = holds everything)
 * 16 blocks complete u32
 * 20 report part u16 | 22 report parts u16   (a round report may span several datagrams)
 * 24 echo u32: the sender clock of the last ROUND_END heard (0: none yet)
 * 28 hold µs u32: time between hearing that ROUND_END and sending this
 * 32 join round trip µs u32: from the receiver's last JOIN to the sender's answer (0: not known)
 * 36 NAK entries, each:
 *      block u32 | first packet u16 | bitmap length u16 (bytes) | bitmap (bit i = packet first+i missing)
 * </pre>
 * Header flag {@link #FLAG_ROUND_REPORT}: this is (part of) the answer to a ROUND_END. With
 * parity repair a NAK bitmap marks, per packet group, as many missing packets as the receiver
 * still needs repair symbols for (missing packets less the parity symbols it holds).
 */
public final class Status {
    public static final int ROUND_OFFSET = 0;
    public static final int RECEIVED_OFFSET = 4;
    public static final int HIGHEST_SEQUENCE_OFFSET = 8;
    public static final int MISSING_OFFSET = 12;
    public static final int COMPLETE_BLOCKS_OFFSET = 16;
    public static final int PART_OFFSET = 20;
    public static final int PARTS_OFFSET = 22;
    public static final int ECHO_OFFSET = 24;
    public static final int HOLD_OFFSET = 28;
    public static final int JOIN_RTT_OFFSET = 32;
    public static final int FIXED_LENGTH = 36;

    public static final int NAK_BLOCK_OFFSET = 0;
    public static final int NAK_FIRST_PACKET_OFFSET = 4;
    public static final int NAK_BITMAP_LENGTH_OFFSET = 6;
    public static final int NAK_FIXED_LENGTH = 8;

    public static final int FLAG_ROUND_REPORT = 1;

    private Status() {
    }

    public static void writeFixed(ByteBuf out, int round, int received, int highestSequence, long missing,
            int completeBlocks, int part, int parts, int echo, int holdMicros, int joinRttMicros) {
        out.writeInt(round);
        out.writeInt(received);
        out.writeInt(highestSequence);
        out.writeInt((int) Math.min(missing, 0xFFFF_FFFFL));
        out.writeInt(completeBlocks);
        out.writeShort(part);
        out.writeShort(parts);
        out.writeInt(echo);
        out.writeInt(holdMicros);
        out.writeInt(joinRttMicros);
    }

    public static long joinRttMicros(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + JOIN_RTT_OFFSET);
    }

    public static int echo(ByteBuf in) {
        return in.getInt(Header.body(in) + ECHO_OFFSET);
    }

    public static long holdMicros(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + HOLD_OFFSET);
    }

    public static int round(ByteBuf in) {
        return in.getInt(Header.body(in) + ROUND_OFFSET);
    }

    public static int received(ByteBuf in) {
        return in.getInt(Header.body(in) + RECEIVED_OFFSET);
    }

    public static int highestSequence(ByteBuf in) {
        return in.getInt(Header.body(in) + HIGHEST_SEQUENCE_OFFSET);
    }

    public static long missing(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + MISSING_OFFSET);
    }

    public static int completeBlocks(ByteBuf in) {
        return in.getInt(Header.body(in) + COMPLETE_BLOCKS_OFFSET);
    }

    public static int part(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + PART_OFFSET);
    }

    public static int parts(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + PARTS_OFFSET);
    }

    public static int firstNak(ByteBuf in) {
        return Header.body(in) + FIXED_LENGTH;
    }

    /** The end (exclusive, absolute index) of the NAK entries. */
    public static int nakEnd(ByteBuf in) {
        return Header.body(in) + Header.bodyLength(in);
    }

    public static int nakBlock(ByteBuf in, int entry) {
        return in.getInt(entry + NAK_BLOCK_OFFSET);
    }

    public static int nakFirstPacket(ByteBuf in, int entry) {
        return in.getUnsignedShort(entry + NAK_FIRST_PACKET_OFFSET);
    }

    public static int nakBitmapLength(ByteBuf in, int entry) {
        return in.getUnsignedShort(entry + NAK_BITMAP_LENGTH_OFFSET);
    }

    public static int nextNak(ByteBuf in, int entry) {
        return entry + NAK_FIXED_LENGTH + nakBitmapLength(in, entry);
    }

    /** Every NAK entry lies inside the body and the entries fill it exactly. */
    static boolean tailValid(ByteBuf in) {
        int end = nakEnd(in);
        int entry = firstNak(in);
        while (entry < end) {
            if (entry + NAK_FIXED_LENGTH > end) {
                return false;
            }
            entry = nextNak(in, entry);
        }
        return entry == end;
    }
}
