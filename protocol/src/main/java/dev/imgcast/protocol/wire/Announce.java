package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * ANNOUNCE body, sender → group, sent periodically for the whole transfer. The first 16 bytes
 * (the salt the transfer's keys are derived with) travel in clear, authenticated; the rest is
 * encrypted. The sender's own address and port are inside: a receiver takes as sender only the
 * host the announcement comes from when that is the address it names, so an announcement
 * re-sent by another host is worthless.
 *
 * <pre>
 *  0 key salt (16 bytes, clear)
 * 16 state u8 | 17 flags u8 | 18 payload size u16
 * 20 block size u32
 * 24 image size u64
 * 32 block count u32
 * 36 manifest length u32 (bytes)
 * 40 manifest chunk size u16 | 42 expected receivers u16 (0 = not fixed)
 * 44 sender IPv4 address (4) | 48 sender port u16 | 50 status interval ms u16 (0 = 100)
 * 52 image SHA-256 (32 bytes)
 * 84
 * </pre>
 */
public final class Announce {
    public static final int SALT_OFFSET = 0;
    public static final int CLEAR_PREFIX = TransferKeys.SALT_LENGTH;
    public static final int STATE_OFFSET = 16;
    public static final int PAYLOAD_SIZE_OFFSET = 18;
    public static final int BLOCK_SIZE_OFFSET = 20;
    public static final int IMAGE_SIZE_OFFSET = 24;
    public static final int BLOCK_COUNT_OFFSET = 32;
    public static final int MANIFEST_LENGTH_OFFSET = 36;
    public static final int CHUNK_SIZE_OFFSET = 40;
    public static final int EXPECTED_RECEIVERS_OFFSET = 42;
    public static final int SENDER_OFFSET = 44;
    public static final int STATUS_INTERVAL_OFFSET = 50;
    public static final int SHA256_OFFSET = 52;
    public static final int LENGTH = 84;

    public static final int STATE_WAITING = 1;
    public static final int STATE_RUNNING = 2;
    public static final int STATE_FINISHED = 3;

    private Announce() {
    }

    public static void writeBody(ByteBuf out, byte[] salt, int state, int payloadSize, int blockSize, long imageSize,
            int blockCount, int manifestLength, int chunkSize, int expectedReceivers, InetSocketAddress sender,
            int statusIntervalMillis, byte[] sha256) {
        out.writeBytes(salt, 0, CLEAR_PREFIX);
        out.writeByte(state);
        out.writeByte(0);
        out.writeShort(payloadSize);
        out.writeInt(blockSize);
        out.writeLong(imageSize);
        out.writeInt(blockCount);
        out.writeInt(manifestLength);
        out.writeShort(chunkSize);
        out.writeShort(expectedReceivers);
        Endpoint.write(out, sender);
        out.writeShort(Math.min(0xFFFF, statusIntervalMillis));
        out.writeBytes(sha256, 0, 32);
    }

    /** The salt, readable before the body is decrypted (it is in the clear prefix). */
    public static byte[] salt(ByteBuf in) {
        byte[] salt = new byte[CLEAR_PREFIX];
        in.getBytes(Header.body(in) + SALT_OFFSET, salt);
        return salt;
    }

    public static int state(ByteBuf in) {
        return in.getUnsignedByte(Header.body(in) + STATE_OFFSET);
    }

    public static int payloadSize(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + PAYLOAD_SIZE_OFFSET);
    }

    public static int blockSize(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_SIZE_OFFSET);
    }

    public static long imageSize(ByteBuf in) {
        return in.getLong(Header.body(in) + IMAGE_SIZE_OFFSET);
    }

    public static int blockCount(ByteBuf in) {
        return in.getInt(Header.body(in) + BLOCK_COUNT_OFFSET);
    }

    public static int manifestLength(ByteBuf in) {
        return in.getInt(Header.body(in) + MANIFEST_LENGTH_OFFSET);
    }

    public static int chunkSize(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + CHUNK_SIZE_OFFSET);
    }

    /** How often a receiver sends STATUS while data flows: the sender spreads them as the group grows. */
    public static int statusIntervalMillis(ByteBuf in) {
        int ms = in.getUnsignedShort(Header.body(in) + STATUS_INTERVAL_OFFSET);
        return ms == 0 ? 100 : ms;
    }

    public static int expectedReceivers(ByteBuf in) {
        return in.getUnsignedShort(Header.body(in) + EXPECTED_RECEIVERS_OFFSET);
    }

    public static InetSocketAddress sender(ByteBuf in) {
        return Endpoint.read(in, Header.body(in) + SENDER_OFFSET);
    }

    /** True when the datagram came from the address and port it names as the sender's. */
    public static boolean fromNamedSender(ByteBuf in, InetSocketAddress from) {
        return Endpoint.matches(in, Header.body(in) + SENDER_OFFSET, from);
    }

    public static byte[] sha256(ByteBuf in) {
        byte[] sha = new byte[32];
        in.getBytes(Header.body(in) + SHA256_OFFSET, sha);
        return sha;
    }
}
