package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * Decides whether a received datagram is a well-formed, authentic v1 packet. Never throws for any
 * input: every field is read at a checked absolute index.
 */
public final class DatagramValidator {
    private DatagramValidator() {
    }

    /** Checks the readable bytes of {@code in}; on {@link Verdict#OK} the frame getters are safe. */
    public static Verdict check(ByteBuf in, PacketAuthenticator authenticator) {
        int length = in.readableBytes();
        if (length < Header.LENGTH + Header.TAG_LENGTH) {
            return Verdict.TOO_SHORT;
        }
        if (length > Header.MAX_DATAGRAM) {
            return Verdict.TOO_LONG;
        }
        int base = in.readerIndex();
        if (in.getInt(base + Header.MAGIC_OFFSET) != Header.MAGIC) {
            return Verdict.BAD_MAGIC;
        }
        if (in.getByte(base + Header.VERSION_OFFSET) != Header.VERSION) {
            return Verdict.BAD_VERSION;
        }
        PacketType type = PacketType.of(in.getUnsignedByte(base + Header.TYPE_OFFSET));
        if (type == null) {
            return Verdict.UNKNOWN_TYPE;
        }
        int bodyLength = in.getUnsignedShort(base + Header.BODY_LENGTH_OFFSET);
        if (bodyLength != length - Header.LENGTH - Header.TAG_LENGTH
                || bodyLength < type.fixedBodyLength()
                || (!type.variable() && bodyLength != type.fixedBodyLength())
                || in.getUnsignedShort(base + Header.RESERVED_OFFSET) != 0) {
            return Verdict.BAD_LENGTH;
        }
        if (!authenticator.verify(in)) {
            return Verdict.BAD_TAG;
        }
        boolean tailValid = switch (type) {
            case JOIN -> Join.tailValid(in, bodyLength);
            case STATUS -> Status.tailValid(in);
            case RESULT -> Result.tailValid(in, bodyLength);
            case DROP -> Drop.tailValid(in, bodyLength);
            case DATA -> bodyLength > Data.FIXED_LENGTH;
            default -> true;
        };
        return tailValid ? Verdict.OK : Verdict.BAD_LENGTH;
    }
}
