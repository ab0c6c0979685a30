package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * ROUND_END body, sender → group: the sender sent every packet of a round and asks receivers
 * that still miss something for a round report (STATUS with {@link Status#FLAG_ROUND_REPORT}),
 * each after a random wait within the report window, so that reports spread out and the sender's
 * PLAN can spare most of them. The sender's clock is echoed in STATUS, which gives the sender the
 * round-trip time to each receiver and so the window.
 *
 * <pre>
 *  0 round u32
 *  4 packets sent in the round u32
 *  8 sender clock µs u32 (wraps; echoed in STATUS)
 * 12 report window µs u32 (0: report at once)
 * 16 receivers u16 (live ones, for the spread of the waits) | 18 reserved u16
 * 20 floor loss ppm u32 | 24 floor tolerance ppb u32: next round, every group of k packets gets at
 *    least the symbols a receiver losing that share needs but with this probability (0: no floor)
 * 28
 * </pre>
 */
public final class RoundEnd {
    public static final int ROUND_OFFSET = 0;
    public static final int PACKETS_OFFSET = 4;
    public static final int CLOCK_OFFSET = 8;
    public static final int WINDOW_OFFSET = 12;
    public static final int RECEIVERS_OFFSET = 16;
    public static final int FLOOR_LOSS_OFFSET = 20;
    public static final int FLOOR_TOLERANCE_OFFSET = 24;
    public static final int LENGTH = 28;

    private RoundEnd() {
    }

    public static void writeBody(ByteBuf out, int round, int packets, int clockMicros, int windowMicros, int receivers,
            int floorLossPpm, int floorTolerancePpb) {
        out.writeInt(round);
        out.writeInt(packets);
        out.writeInt(clockMicros);
        out.writeInt(windowMicros);
        out.writeShort(Math.min(receivers, 0xFFFF));
        out.writeShort(0);
        out.writeInt(floorLossPpm);
        out.writeInt(floorTolerancePpb);
    }

    public static long floorLossPpm(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + FLOOR_LOSS_OFFSET);
    }

    public static long floorTolerancePpb(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + FLOOR_TOLERANCE_OFFSET);
    }

    public static int round(ByteBuf in) {
        return in.getInt(Header.body(in) + ROUND_OFFSET);
    }

    public static int packets(ByteBuf in) {
        return in.getInt(Header.body(in) + PACKETS_OFFSET);
    }

    public static int clockMicros(ByteBuf in) {
        return in.getInt(Header.body(in) + CLOCK_OFFSET);
    }

    public static long windowMicros(ByteBuf in) {
        return in.getUnsignedInt(Header.body(in) + WINDOW_OFFSET);
    }

    public static int receivers(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + RECEIVERS_OFFSET);
    }
}
