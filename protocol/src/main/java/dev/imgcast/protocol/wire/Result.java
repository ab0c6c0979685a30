package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * RESULT body, receiver → sender (unicast): the end of one receiver, success or failure. A
 * receiver that gives up (disk full, interrupted) sends a failed RESULT at once so the sender
 * does not wait for it.
 *
 * <pre>
 *  0 outcome u8 | 1 reserved u8 | 2 message length u16
 *  4 bytes written u64
 * 12 SHA-256 of what was written, read back (32 bytes; zero when failed early)
 * 44 message, UTF-8
 * </pre>
 */
public final class Result {
    public static final int OUTCOME_OFFSET = 0;
    public static final int MESSAGE_LENGTH_OFFSET = 2;
    public static final int BYTES_WRITTEN_OFFSET = 4;
    public static final int SHA256_OFFSET = 12;
    public static final int FIXED_LENGTH = 44;
    public static final int MAX_MESSAGE = 512;

    public static final int VERIFIED = 0;
    public static final int FAILED = 1;

    private Result() {
    }

    public static void writeBody(ByteBuf out, int outcome, long bytesWritten, byte[] sha256, byte[] message) {
        int length = Math.min(message.length, MAX_MESSAGE);
        out.writeByte(outcome);
        out.writeByte(0);
        out.writeShort(length);
        out.writeLong(bytesWritten);
        out.writeBytes(sha256 == null ? new byte[32] : sha256, 0, 32);
        out.writeBytes(message, 0, length);
    }

    public static int bodyLength(byte[] message) {
        return FIXED_LENGTH + Math.min(message.length, MAX_MESSAGE);
    }

    public static int outcome(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + OUTCOME_OFFSET);
    }

    public static long bytesWritten(ByteBuf in) {
        return in.getLong(Header.body(in) + BYTES_WRITTEN_OFFSET);
    }

    public static byte[] sha256(ByteBuf in) {
        byte[] sha = new byte[32];
        in.getBytes(Header.body(in) + SHA256_OFFSET, sha);
        return sha;
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
