package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks datagrams with the per-transfer key: HMAC-SHA-256 over header and body,
 * truncated to {@link Header#TAG_LENGTH} bytes. Not thread-safe: one per engine (event loop).
 */
public final class PacketAuthenticator {
    public static final int KEY_LENGTH = 32;

    private final Mac mac;
    private final byte[] expected = new byte[32];

    public PacketAuthenticator(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a transfer key is " + KEY_LENGTH + " bytes");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    /** Appends the tag for the readable bytes of {@code datagram} (header and body). */
    public void sign(ByteBuf datagram) {
        compute(datagram, datagram.readerIndex(), datagram.readableBytes());
        datagram.writeBytes(expected, 0, Header.TAG_LENGTH);
    }

    /** True when the last {@link Header#TAG_LENGTH} readable bytes are the right tag for the rest. */
    public boolean verify(ByteBuf datagram) {
        int signedLength = datagram.readableBytes() - Header.TAG_LENGTH;
        if (signedLength < 0) {
            return false;
        }
        compute(datagram, datagram.readerIndex(), signedLength);
        int tag = datagram.readerIndex() + signedLength;
        int difference = 0;
        for (int i = 0; i < Header.TAG_LENGTH; i++) {
            difference |= expected[i] ^ datagram.getByte(tag + i);
        }
        return difference == 0;
    }

    private void compute(ByteBuf buf, int from, int length) {
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + from, length);
        } else {
            mac.update(buf.nioBuffer(from, length));
        }
        try {
            mac.doFinal(expected, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
