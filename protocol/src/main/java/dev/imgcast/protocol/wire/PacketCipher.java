package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
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
    private byte[] work = new byte[2048];

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
        int aad = Header.LENGTH + clearPrefix;
        int length = Header.bodyLength(out) - clearPrefix;
        out.ensureWritable(Header.TAG_LENGTH);
        byte[] frame = work(aad + length + Header.TAG_LENGTH);
        out.getBytes(base, frame, 0, aad + length);
        try {
            init(Cipher.ENCRYPT_MODE, frame);
            cipher.updateAAD(frame, 0, aad);
            cipher.doFinal(frame, aad, length, frame, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        out.setBytes(base + aad, frame, aad, length + Header.TAG_LENGTH);
        out.writerIndex(out.writerIndex() + Header.TAG_LENGTH);
    }

    /**
     * Checks the tag of a frame whose layout was checked, and decrypts its body in place. False,
     * with the body unchanged, when the tag is wrong (another key, a forged or damaged datagram).
     */
    public boolean open(ByteBuf in, int clearPrefix) {
        int base = in.readerIndex();
        int aad = Header.LENGTH + clearPrefix;
        int length = Header.bodyLength(in) - clearPrefix;
        byte[] frame = work(aad + length + Header.TAG_LENGTH);
        in.getBytes(base, frame, 0, aad + length + Header.TAG_LENGTH);
        try {
            init(Cipher.DECRYPT_MODE, frame);
            cipher.updateAAD(frame, 0, aad);
            cipher.doFinal(frame, aad, length + Header.TAG_LENGTH, frame, aad);
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        in.setBytes(base + aad, frame, aad, length);
        return true;
    }

    /**
     * The heap array the cipher works in: the JDK's AES-GCM runs its fused intrinsic on arrays and,
     * given direct buffers, copies them into new arrays of its own for every call (measured: about
     * 3 bytes allocated per byte sealed or opened, and 30% slower). One copy in and one out of a
     * reused array is cheaper, and allocates nothing.
     */
    private byte[] work(int length) {
        if (work.length < length) {
            work = new byte[Math.max(length, 2 * work.length)];
        }
        return work;
    }

    private void init(int mode, byte[] frame) throws GeneralSecurityException {
        System.arraycopy(frame, Header.NONCE_OFFSET, nonce, 0, nonce.length);
        cipher.init(mode, key, new GCMParameterSpec(Header.TAG_LENGTH * 8, nonce));
    }
}
