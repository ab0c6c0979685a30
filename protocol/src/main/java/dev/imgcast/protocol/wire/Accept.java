package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * ACCEPT body, sender → one receiver (unicast): the answer to a JOIN.
 *
 * <pre>
 *  0 verdict u8 | 1 reserved u8 | 2 reserved u16
 *  4 receivers registered so far u32
 *  8
 * </pre>
 */
public final class Accept {
    public static final int VERDICT_OFFSET = 0;
    public static final int REGISTERED_OFFSET = 4;
    public static final int LENGTH = 8;

    public static final int ACCEPTED = 0;
    /** The transfer already started: no more registrations for this run. */
    public static final int REFUSED_STARTED = 1;

    private Accept() {
    }

    public static void writeBody(ByteBuf out, int verdict, int registered) {
        out.writeByte(verdict);
        out.writeByte(0);
        out.writeShort(0);
        out.writeInt(registered);
    }

    public static int verdict(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + VERDICT_OFFSET);
    }

    public static int registered(ByteBuf in) {
        return in.getInt(Header.body(in) + REGISTERED_OFFSET);
    }
}
