package dev.imgcast.protocol.image;

import java.nio.ByteBuffer;

/** Byte-level facts about a block held in a buffer. */
public final class BlockBytes {
    private BlockBytes() {
    }

    /** True when every remaining byte of {@code buffer} is zero; the position is unchanged. */
    public static boolean isAllZero(ByteBuffer buffer) {
        int i = buffer.position();
        int end = buffer.limit();
        for (; i + 8 <= end; i += 8) {
            if (buffer.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
