package dev.imgcast.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The multicast group of a session, derived from its name: always in 231.0.0.0/8 (easy to spot
 * in a capture), the same on every device that types the same name. {@code attempt} &gt; 0 gives
 * the alternatives the registry walks through when two live sessions collide.
 */
public final class GroupAddress {
    /** Session names: what a person types on a device keyboard, and safe in URLs and logs. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private GroupAddress() {
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid session name '" + name
                    + "': 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static InetAddress derive(String name, int attempt) {
        checkName(name);
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        byte[] digest = sha256(name + (attempt == 0 ? "" : "#" + attempt));
        // 231.x.y.z; z avoids 0 and 255 so no tool mistakes it for a network or broadcast address.
        int z = 1 + (digest[2] & 0xFF) % 254;
        byte[] address = {(byte) 231, digest[0], digest[1], (byte) z};
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static InetAddress derive(String name) {
        return derive(name, 0);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
