package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * Decides whether a received datagram is a well-formed, authentic v3 packet, in two steps: its
 * layout ({@link #frame}), then its tag under the key its header points to ({@link #open}), which
 * also decrypts the body in place. Never throws for any input: every field is read at a checked
 * absolute index.
 */
public final class DatagramValidator {
    private DatagramValidator() {
    }

    /** Checks the layout of the readable bytes of {@code in}; on {@link Verdict#OK} the header getters are safe. */
    public static Verdict frame(ByteBuf in) {
        int length = in.readableBytes();
        if (length >= Header.VERSION_OFFSET + 1 && in.getInt(in.readerIndex()) == Header.MAGIC
                && in.getByte(in.readerIndex() + Header.VERSION_OFFSET) >= 1
                && in.getByte(in.readerIndex() + Header.VERSION_OFFSET) < Header.VERSION) {
            return Verdict.OLD_VERSION;
        }
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
                || in.getUnsignedShort(base + Header.RESERVED_OFFSET) != 0
                || in.getLong(base + Header.PACKET_NUMBER_OFFSET) < 0) {
            return Verdict.BAD_LENGTH;
        }
        return Verdict.OK;
    }

    /**
     * Checks the tag of a frame that passed {@link #frame} and decrypts its body; then checks the
     * body's variable tail. On {@link Verdict#OK} the body getters are safe.
     */
    public static Verdict open(ByteBuf in, PacketCipher cipher) {
        PacketType type = PacketType.of(Header.type(in));
        if (!cipher.open(in, type.clearPrefix())) {
            return Verdict.BAD_TAG;
        }
        int bodyLength = Header.bodyLength(in);
        boolean tailValid = switch (type) {
            case JOIN -> Join.tailValid(in, bodyLength);
            case STATUS -> Status.tailValid(in);
            case RESULT -> Result.tailValid(in, bodyLength);
            case DROP -> Drop.tailValid(in, bodyLength);
            case DATA -> bodyLength > Data.FIXED_LENGTH;
            case PARITY -> bodyLength > Parity.FIXED_LENGTH;
            case PLAN -> Plan.tailValid(in);
            default -> true;
        };
        return tailValid ? Verdict.OK : Verdict.BAD_LENGTH;
    }

    /** Both steps with one cipher (tests, and peers with one key). */
    public static Verdict check(ByteBuf in, PacketCipher cipher) {
        Verdict verdict = frame(in);
        return verdict == Verdict.OK ? open(in, cipher) : verdict;
    }
}
