package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * JOIN body, receiver → sender (unicast), repeated until accepted. It names the receiver's own
 * address and port (a JOIN that arrives from elsewhere was relayed, and is refused) and carries a
 * fresh random challenge that the sender's MANIFEST and ACCEPT must echo: a recording of an
 * earlier transfer cannot answer it.
 *
 * <pre>
 *  0 next manifest chunk needed u32 (= chunk count when the manifest is complete)
 *  4 host name length u16 | 6 reserved u16
 *  8 receiver IPv4 address (4) | 12 receiver port u16 | 14 reserved u16
 * 16 challenge (16 bytes)
 * 32 host name, UTF-8 (at most 64 bytes)
 * </pre>
 * Header flag {@link #FLAG_READY}: the receiver holds the whole manifest and checked its target.
 */
public final class Join {
    public static final int NEXT_CHUNK_OFFSET = 0;
    public static final int HOST_LENGTH_OFFSET = 4;
    public static final int ENDPOINT_OFFSET = 8;
    public static final int CHALLENGE_OFFSET = 16;
    public static final int CHALLENGE_LENGTH = 16;
    public static final int FIXED_LENGTH = 32;
    public static final int MAX_HOST_LENGTH = 64;
    public static final int FLAG_READY = 1;

    private Join() {
    }

    public static void writeBody(ByteBuf out, int nextChunk, InetSocketAddress self, byte[] challenge, byte[] host) {
        int length = Math.min(host.length, MAX_HOST_LENGTH);
        out.writeInt(nextChunk);
        out.writeShort(length);
        out.writeShort(0);
        Endpoint.write(out, self);
        out.writeShort(0);
        out.writeBytes(challenge, 0, CHALLENGE_LENGTH);
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

    /** True when the datagram came from the address and port the receiver names as its own. */
    public static boolean fromNamedReceiver(ByteBuf in, InetSocketAddress from) {
        return Endpoint.matches(in, Header.body(in) + ENDPOINT_OFFSET, from);
    }

    public static byte[] challenge(ByteBuf in) {
        byte[] challenge = new byte[CHALLENGE_LENGTH];
        in.getBytes(Header.body(in) + CHALLENGE_OFFSET, challenge);
        return challenge;
    }

    public static String host(ByteBuf in) {
        return in.toString(Header.body(in) + FIXED_LENGTH, hostLength(in), StandardCharsets.UTF_8);
    }

    static boolean tailValid(ByteBuf in, int bodyLength) {
        int host = hostLength(in);
        return host <= MAX_HOST_LENGTH && FIXED_LENGTH + host == bodyLength;
    }

    /** True when the 16 bytes at {@code index} are {@code challenge}. */
    public static boolean echoes(ByteBuf in, int index, byte[] challenge) {
        int difference = 0;
        for (int i = 0; i < CHALLENGE_LENGTH; i++) {
            difference |= in.getByte(index + i) ^ challenge[i];
        }
        return difference == 0;
    }
}
