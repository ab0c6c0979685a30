package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * VERIFY body, sender → group: no receiver misses anything; each verifies the SHA-256 of what it
 * wrote and answers with RESULT.
 *
 * <pre>
 *  0 rounds used u32 | 4 reserved u32
 *  8
 * </pre>
 */
public final class Verify {
    public static final int ROUNDS_OFFSET = 0;
    public static final int LENGTH = 8;

    private Verify() {
    }

    public static void writeBody(ByteBuf out, int rounds) {
        out.writeInt(rounds);
        out.writeInt(0);
    }

    public static int rounds(ByteBuf in) {
        return in.getInt(Header.body(in) + ROUNDS_OFFSET);
    }
}
