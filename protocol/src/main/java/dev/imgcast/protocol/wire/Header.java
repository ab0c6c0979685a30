package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * The common header of every imgcast datagram (wire format v3). All integers big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     magic 0x494D4743 "IMGC"                   |  0
 * +---------------+---------------+-------------------------------+
 * |   version 3   |     type      |            flags              |  4
 * +---------------+---------------+-------------------------------+
 * |                          transfer id                          |  8
 * +---------------------------------------------------------------+
 * |              node id (0 = sender, else a receiver)            | 12
 * +---------------------------------------------------------------+
 * |           packet number (u64, never repeats for a node)       | 16
 * |                                                               |
 * +---------------------------------------------------------------+
 * |     sequence (DATA: its number; other types: DATA sent so far)| 24
 * +-------------------------------+-------------------------------+
 * |          body length          |       reserved (zero)         | 28
 * +-------------------------------+-------------------------------+
 * |              body (type specific, encrypted) ...              | 32
 * +---------------------------------------------------------------+
 * |                  tag: AES-256-GCM, 16 bytes                   | 32 + body length
 * +---------------------------------------------------------------+
 * </pre>
 *
 * The header is authenticated, not encrypted; the body is encrypted and authenticated (see
 * {@link PacketCipher}); bytes 12 to 23 (node id and packet number) are the GCM nonce. A datagram
 * whose length is not exactly {@code LENGTH + bodyLength + TAG_LENGTH} is malformed.
 */
public final class Header {
    public static final int MAGIC = 0x494D4743;
    public static final byte VERSION = 3;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int TRANSFER_OFFSET = 8;
    public static final int NODE_OFFSET = 12;
    public static final int PACKET_NUMBER_OFFSET = 16;
    public static final int SEQUENCE_OFFSET = 24;
    public static final int BODY_LENGTH_OFFSET = 28;
    public static final int RESERVED_OFFSET = 30;
    public static final int LENGTH = 32;
    /** Where the nonce starts in the header, and its length: node id and packet number. */
    public static final int NONCE_OFFSET = NODE_OFFSET;
    public static final int NONCE_LENGTH = 12;

    public static final int TAG_LENGTH = 16;
    /** Largest datagram we ever build or accept: fits a 9000-byte jumbo frame. */
    public static final int MAX_DATAGRAM = 8972;
    public static final int MAX_BODY = MAX_DATAGRAM - LENGTH - TAG_LENGTH;

    private Header() {
    }

    /** Writes a header at {@code out}'s writer index; the body follows. */
    public static void write(ByteBuf out, PacketType type, int flags, int transferId, int nodeId, long packetNumber,
            int sequence, int bodyLength) {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(type.code());
        out.writeShort(flags);
        out.writeInt(transferId);
        out.writeInt(nodeId);
        out.writeLong(packetNumber);
        out.writeInt(sequence);
        out.writeShort(bodyLength);
        out.writeShort(0);
    }

    public static int version(ByteBuf in) {
        return in.getUnsignedByte(in.readerIndex() + VERSION_OFFSET);
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

    public static long packetNumber(ByteBuf in) {
        return in.getLong(in.readerIndex() + PACKET_NUMBER_OFFSET);
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
