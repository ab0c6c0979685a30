package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * DROP body, sender → one receiver or the group: the receiver named (or, with target 0, every
 * receiver) is out of the transfer, for the reason given.
 *
 * <pre>
 *  0 target node u32 (0 = everyone: the transfer is aborted or over)
 *  4 reason u8 | 5 reserved u8 | 6 message length u16
 *  8 message, UTF-8
 * </pre>
 */
public final class Drop {
    public static final int TARGET_OFFSET = 0;
    public static final int REASON_OFFSET = 4;
    public static final int MESSAGE_LENGTH_OFFSET = 6;
    public static final int FIXED_LENGTH = 8;
    public static final int MAX_MESSAGE = 512;

    public static final int REASON_SILENT = 1;
    public static final int REASON_NOT_PROGRESSING = 2;
    public static final int REASON_ABORTED = 3;
    public static final int REASON_FINISHED = 4;

    private Drop() {
    }

    public static void writeBody(ByteBuf out, int target, int reason, byte[] message) {
        int length = Math.min(message.length, MAX_MESSAGE);
        out.writeInt(target);
        out.writeByte(reason);
        out.writeByte(0);
        out.writeShort(length);
        out.writeBytes(message, 0, length);
    }

    public static int bodyLength(byte[] message) {
        return FIXED_LENGTH + Math.min(message.length, MAX_MESSAGE);
    }

    public static int target(ByteBuf in) {
        return in.getInt(Header.body(in) + TARGET_OFFSET);
    }

    public static int reason(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + REASON_OFFSET);
    }

    public static String message(ByteBuf in) {
        int length = in.getUnsignedShort(Header.body(in) + MESSAGE_LENGTH_OFFSET);
        return in.toString(Header.body(in) + FIXED_LENGTH, length, StandardCharsets.UTF_8);
    }

    static boolean tailValid(ByteBuf in, int bodyLength) {
        int length = in.getUnsignedShort(Header.body(in) + MESSAGE_LENGTH_OFFSET);
        return length <= MAX_MESSAGE && FIXED_LENGTH + length == bodyLength;
    }
}
