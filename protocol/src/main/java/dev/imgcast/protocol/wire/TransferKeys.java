package dev.imgcast.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Per-transfer keys: random ones (the session service) or derived from a shared secret (standalone). */
public final class TransferKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TransferKeys() {
    }

    public static byte[] random() {
        byte[] key = new byte[PacketAuthenticator.KEY_LENGTH];
        RANDOM.nextBytes(key);
        return key;
    }

    /** HMAC-SHA-256 keyed with a fixed label over the secret: same secret, same key. */
    public static byte[] fromSecret(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("imgcast transfer key v1".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
