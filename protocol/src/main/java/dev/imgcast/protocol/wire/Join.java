package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * JOIN body, receiver → sender (unicast), repeated until accepted.
 *
 * <pre>
 *  0 next manifest chunk needed u32 (= chunk count when the manifest is complete)
 *  4 host name length u16 | 6 reserved u16
 *  8 host name, UTF-8 (at most 64 bytes)
 * </pre>
 * Header flag {@link #FLAG_READY}: the receiver holds the whole manifest and checked its target.
 */
public final class Join {
    public static final int NEXT_CHUNK_OFFSET = 0;
    public static final int HOST_LENGTH_OFFSET = 4;
    public static final int FIXED_LENGTH = 8;
    public static final int MAX_HOST_LENGTH = 64;
    public static final int FLAG_READY = 1;

    private Join() {
    }

    public static void writeBody(ByteBuf out, int nextChunk, byte[] host) {
        int length = Math.min(host.length, MAX_HOST_LENGTH);
        out.writeInt(nextChunk);
        out.writeShort(length);
        out.writeShort(0);
        out.writeBytes(host, 0, length);
    }

    public static int bodyLength(byte[] host) {
        return FIXED_LENGTH + Math.min(host.length, MAX_HOST_LENGTH);
    }

    public static int nextChunk(ByteBuf in) {
        return in.getInt(Header.body(in) + NEXT_CHUNK_OFFSET);
    }

    public static int hostLength(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + HOST_LENGTH_OFFSET);
    }

    public static String host(ByteBuf in) {
        return in.toString(Header.body(in) + FIXED_LENGTH, hostLength(in), StandardCharsets.UTF_8);
    }

    static boolean tailValid(ByteBuf in, int bodyLength) {
        int host = hostLength(in);
        return host <= MAX_HOST_LENGTH && FIXED_LENGTH + host == bodyLength;
    }
}
