package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and authenticates datagrams with AES-256-GCM, in place. The additional data is the
 * header and the body's clear prefix (only ANNOUNCE has one: the key salt a receiver needs before
 * it can derive the key); the rest of the body is encrypted; the 16-byte tag follows the body. The
 * nonce is the header's node id and packet number (why it never repeats: protocol/README.md).
 *
 * <p>Not thread-safe: one per engine and direction.
 */
public final class PacketCipher {
    public static final int KEY_LENGTH = 32;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[Header.NONCE_LENGTH];

    public PacketCipher(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a packet key is " + KEY_LENGTH + " bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable in this JDK", e);
        }
    }

    /**
     * Encrypts the body of the frame in {@code out} (header and body written, readable) after its
     * first {@code clearPrefix} bytes and appends the tag.
     */
    public void seal(ByteBuf out, int clearPrefix) {
        int base = out.readerIndex();
        int body = base + Header.LENGTH + clearPrefix;
        int length = Header.bodyLength(out) - clearPrefix;
        out.ensureWritable(Header.TAG_LENGTH);
        try {
            init(Cipher.ENCRYPT_MODE, out, base);
            cipher.updateAAD(out.nioBuffer(base, Header.LENGTH + clearPrefix));
            ByteBuffer plain = out.nioBuffer(body, length);
            ByteBuffer sealed = out.nioBuffer(body, length + Header.TAG_LENGTH);
            cipher.doFinal(plain, sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        out.writerIndex(out.writerIndex() + Header.TAG_LENGTH);
    }

    /**
     * Checks the tag of a frame whose layout was checked, and decrypts its body in place. False,
     * with the body unchanged, when the tag is wrong (another key, a forged or damaged datagram).
     */
    public boolean open(ByteBuf in, int clearPrefix) {
        int base = in.readerIndex();
        int body = base + Header.LENGTH + clearPrefix;
        int length = Header.bodyLength(in) - clearPrefix;
        try {
            init(Cipher.DECRYPT_MODE, in, base);
            cipher.updateAAD(in.nioBuffer(base, Header.LENGTH + clearPrefix));
            cipher.doFinal(in.nioBuffer(body, length + Header.TAG_LENGTH), in.nioBuffer(body, length));
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private void init(int mode, ByteBuf frame, int base) throws GeneralSecurityException {
        frame.getBytes(base + Header.NONCE_OFFSET, nonce);
        cipher.init(mode, key, new GCMParameterSpec(Header.TAG_LENGTH * 8, nonce));
    }
}
