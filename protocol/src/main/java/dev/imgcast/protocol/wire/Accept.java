package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * ACCEPT body, sender → one receiver (unicast): the answer to a JOIN, echoing its challenge.
 *
 * <pre>
 *  0 verdict u8 | 1 reserved u8 | 2 reserved u16
 *  4 receivers registered so far u32
 *  8 the challenge of the receiver's JOIN (16 bytes)
 * 24
 * </pre>
 */
public final class Accept {
    public static final int VERDICT_OFFSET = 0;
    public static final int REGISTERED_OFFSET = 4;
    public static final int CHALLENGE_OFFSET = 8;
    public static final int LENGTH = 24;

    public static final int ACCEPTED = 0;
    /** The transfer already started: no more registrations for this run. */
    public static final int REFUSED_STARTED = 1;

    private Accept() {
    }

    public static void writeBody(ByteBuf out, int verdict, int registered, byte[] challenge) {
        out.writeByte(verdict);
        out.writeByte(0);
        out.writeShort(0);
        out.writeInt(registered);
        out.writeBytes(challenge, 0, Join.CHALLENGE_LENGTH);
    }

    public static int verdict(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + VERDICT_OFFSET);
    }

    public static int registered(ByteBuf in) {
        return in.getInt(Header.body(in) + REGISTERED_OFFSET);
    }

    public static boolean echoes(ByteBuf in, byte[] challenge) {
        return Join.echoes(in, Header.body(in) + CHALLENGE_OFFSET, challenge);
    }
}
