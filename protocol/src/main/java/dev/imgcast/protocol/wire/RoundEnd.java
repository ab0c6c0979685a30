package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * ROUND_END body, sender → group: the sender sent every packet of a round and asks each receiver
 * for a round report (STATUS with {@link Status#FLAG_ROUND_REPORT}).
 *
 * <pre>
 *  0 round u32
 *  4 packets sent in the round u32
 *  8
 * </pre>
 */
public final class RoundEnd {
    public static final int ROUND_OFFSET = 0;
    public static final int PACKETS_OFFSET = 4;
    public static final int LENGTH = 8;

    private RoundEnd() {
    }

    public static void writeBody(ByteBuf out, int round, int packets) {
        out.writeInt(round);
        out.writeInt(packets);
    }

    public static int round(ByteBuf in) {
        return in.getInt(Header.body(in) + ROUND_OFFSET);
    }

    public static int packets(ByteBuf in) {
        return in.getInt(Header.body(in) + PACKETS_OFFSET);
    }
}
