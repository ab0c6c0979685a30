package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * MANIFEST body, sender → one receiver (unicast): one chunk of the serialized manifest, echoing
 * the challenge of the JOIN it answers.
 *
 * <pre>
 *  0 chunk index u32
 *  4 chunk count u32
 *  8 challenge (16 bytes)
 * 24 chunk bytes (body length - 24)
 * </pre>
 */
public final class ManifestChunk {
    public static final int INDEX_OFFSET = 0;
    public static final int COUNT_OFFSET = 4;
    public static final int CHALLENGE_OFFSET = 8;
    public static final int FIXED_LENGTH = 24;

    private ManifestChunk() {
    }

    public static void writeBody(ByteBuf out, int index, int count, byte[] challenge, byte[] manifest, int from,
            int length) {
        out.writeInt(index);
        out.writeInt(count);
        out.writeBytes(challenge, 0, Join.CHALLENGE_LENGTH);
        out.writeBytes(manifest, from, length);
    }

    public static int index(ByteBuf in) {
        return in.getInt(Header.body(in) + INDEX_OFFSET);
    }

    public static int count(ByteBuf in) {
        return in.getInt(Header.body(in) + COUNT_OFFSET);
    }

    public static boolean echoes(ByteBuf in, byte[] challenge) {
        return Join.echoes(in, Header.body(in) + CHALLENGE_OFFSET, challenge);
    }

    public static int dataOffset(ByteBuf in) {
        return Header.body(in) + FIXED_LENGTH;
    }

    public static int dataLength(ByteBuf in) {
        return Header.bodyLength(in) - FIXED_LENGTH;
    }
}
