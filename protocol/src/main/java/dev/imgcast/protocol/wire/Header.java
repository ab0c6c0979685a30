package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * The common header of every imgcast datagram (wire format v1). All integers big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     magic 0x494D4743 "IMGC"                   |  0
 * +---------------+---------------+-------------------------------+
 * |   version 1   |     type      |            flags              |  4
 * +---------------+---------------+-------------------------------+
 * |                          transfer id                          |  8
 * +---------------------------------------------------------------+
 * |              node id (0 = sender, else a receiver)            | 12
 * +---------------------------------------------------------------+
 * |     sequence (DATA: its number; other types: DATA sent so far)| 16
 * +-------------------------------+-------------------------------+
 * |          body length          |       reserved (zero)         | 20
 * +-------------------------------+-------------------------------+
 * |                     body (type specific) ...                  | 24
 * +---------------------------------------------------------------+
 * |              tag: HMAC-SHA-256 truncated, 16 bytes            | 24 + body length
 * +---------------------------------------------------------------+
 * </pre>
 *
 * The tag covers the header and the body. A datagram whose length is not exactly
 * {@code LENGTH + bodyLength + TAG_LENGTH} is malformed.
 */
public final class Header {
    public static final int MAGIC = 0x494D4743;
    public static final byte VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int TRANSFER_OFFSET = 8;
    public static final int NODE_OFFSET = 12;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int BODY_LENGTH_OFFSET = 20;
    public static final int RESERVED_OFFSET = 22;
    public static final int LENGTH = 24;

    public static final int TAG_LENGTH = 16;
    /** Largest datagram we ever build or accept: fits a 9000-byte jumbo frame. */
    public static final int MAX_DATAGRAM = 8972;
    public static final int MAX_BODY = MAX_DATAGRAM - LENGTH - TAG_LENGTH;

    private Header() {
    }

    /** Writes a header at {@code out}'s writer index; the body follows. */
    public static void write(ByteBuf out, PacketType type, int flags, int transferId, int nodeId, int sequence,
            int bodyLength) {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(type.code());
        out.writeShort(flags);
        out.writeInt(transferId);
        out.writeInt(nodeId);
        out.writeInt(sequence);
        out.writeShort(bodyLength);
        out.writeShort(0);
    }

    public static int type(ByteBuf in) {
        return in.getUnsignedByte(in.readerIndex() + TYPE_OFFSET);
    }

    public static int flags(ByteBuf in) {
        return in.getUnsignedShort(in.readerIndex() + FLAGS_OFFSET);
    }

    public static int transferId(ByteBuf in) {
        return in.getInt(in.readerIndex() + TRANSFER_OFFSET);
    }

    public static int nodeId(ByteBuf in) {
        return in.getInt(in.readerIndex() + NODE_OFFSET);
    }

    public static int sequence(ByteBuf in) {
        return in.getInt(in.readerIndex() + SEQUENCE_OFFSET);
    }

    public static int bodyLength(ByteBuf in) {
        return in.getUnsignedShort(in.readerIndex() + BODY_LENGTH_OFFSET);
    }

    /** Absolute index of the first body byte. */
    public static int body(ByteBuf in) {
        return in.readerIndex() + LENGTH;
    }
}
