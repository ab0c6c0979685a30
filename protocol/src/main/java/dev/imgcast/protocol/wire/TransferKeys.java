package dev.imgcast.protocol.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys. A <em>master key</em> (32 bytes) is what both ends share before a transfer: a random one
 * from session-service for a run, or, standalone, one read from a key file or stretched from a
 * passphrase with PBKDF2. Each transfer derives its own keys from the master key and a fresh
 * random salt the sender announces (HKDF-SHA-256, RFC 5869), one key per direction, so no two
 * transfers and no two directions ever share a key.
 */
public final class TransferKeys {
    public static final int MASTER_LENGTH = 32;
    public static final int SALT_LENGTH = 16;
    /** PBKDF2-HMAC-SHA-256 iterations for a passphrase: a guess costs this many HMACs. */
    public static final int PASSPHRASE_ITERATIONS = 210_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The two packet keys of one transfer. */
    public record Ciphers(PacketCipher sender, PacketCipher receivers) {
    }

    private TransferKeys() {
    }

    public static byte[] random() {
        byte[] key = new byte[MASTER_LENGTH];
        RANDOM.nextBytes(key);
        return key;
    }

    public static byte[] salt() {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /**
     * A master key from a passphrase: PBKDF2-HMAC-SHA-256 with {@link #PASSPHRASE_ITERATIONS}
     * iterations, salted with the session name (each transfer then adds its own random salt).
     */
    public static byte[] fromPassphrase(String passphrase, String session) {
        if (passphrase == null || passphrase.isEmpty()) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salt = ("imgcast/2 standalone " + session).getBytes(StandardCharsets.UTF_8);
            PBEKeySpec spec = new PBEKeySpec(passphrase.toCharArray(), salt, PASSPHRASE_ITERATIONS, MASTER_LENGTH * 8);
            try {
                return factory.generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
        }
    }

    /** A master key from the session name alone: HMAC-SHA-256 under a fixed label; anyone who knows the name has it. */
    public static byte[] fromSessionName(String session) {
        return hmac("imgcast/2 session name".getBytes(StandardCharsets.US_ASCII), session.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A master key from a key file: 32 random bytes, as 64 hexadecimal digits or base64 (one line;
     * {@code head -c 32 /dev/urandom | base64 > key} makes one), or the 32 bytes themselves.
     * An IllegalArgumentException says what is wrong with the file.
     */
    public static byte[] fromKeyFile(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key file " + file + ": " + e.getMessage());
        }
        if (raw.length == MASTER_LENGTH) {
            return raw;
        }
        String text = new String(raw, StandardCharsets.US_ASCII).trim();
        try {
            if (text.matches("[0-9a-fA-F]{64}")) {
                return HexFormat.of().parseHex(text);
            }
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length == MASTER_LENGTH) {
                return decoded;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("the key file " + file + " must hold 32 random bytes: 64 hex digits, base64,"
                + " or the raw bytes (head -c 32 /dev/urandom | base64 > FILE makes one)");
    }

    /** The packet keys of one transfer: HKDF-SHA-256 of the master key with the transfer's salt and id. */
    public static Ciphers forTransfer(byte[] master, byte[] salt, int transferId) {
        if (master == null || master.length != MASTER_LENGTH) {
            throw new IllegalArgumentException("a master key is " + MASTER_LENGTH + " bytes");
        }
        byte[] prk = hmac(salt, master);
        return new Ciphers(new PacketCipher(expand(prk, "imgcast/2 sender", transferId)),
                new PacketCipher(expand(prk, "imgcast/2 receivers", transferId)));
    }

    private static byte[] expand(byte[] prk, String label, int transferId) {
        byte[] info = (label + " " + Integer.toUnsignedString(transferId)).getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[info.length + 1];
        System.arraycopy(info, 0, input, 0, info.length);
        input[info.length] = 1;
        return hmac(prk, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
