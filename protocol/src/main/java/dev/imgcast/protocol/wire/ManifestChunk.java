package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * MANIFEST body, sender → one receiver (unicast): one chunk of the serialized manifest.
 *
 * <pre>
 *  0 chunk index u32
 *  4 chunk count u32
 *  8 chunk bytes (body length - 8)
 * </pre>
 */
public final class ManifestChunk {
    public static final int INDEX_OFFSET = 0;
    public static final int COUNT_OFFSET = 4;
    public static final int FIXED_LENGTH = 8;

    private ManifestChunk() {
    }

    public static void writeBody(ByteBuf out, int index, int count, byte[] manifest, int from, int length) {
        out.writeInt(index);
        out.writeInt(count);
        out.writeBytes(manifest, from, length);
    }

    public static int index(ByteBuf in) {
        return in.getInt(Header.body(in) + INDEX_OFFSET);
    }

    public static int count(ByteBuf in) {
        return in.getInt(Header.body(in) + COUNT_OFFSET);
    }

    public static int dataOffset(ByteBuf in) {
        return Header.body(in) + FIXED_LENGTH;
    }

    public static int dataLength(ByteBuf in) {
        return Header.bodyLength(in) - FIXED_LENGTH;
    }
}
