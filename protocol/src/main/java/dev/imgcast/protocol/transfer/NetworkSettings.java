package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.wire.TransferKeys;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Where a transfer happens and how its packets are authenticated: the interface (never guessed),
 * the multicast group and port, the TTL and the per-transfer key. The constructor checks what can
 * be checked without looking at the machine and says what is wrong; {@link #resolve()} then checks
 * the interface itself.
 *
 * @param interfaceName the network interface every socket of the transfer is bound to
 * @param group         IPv4 multicast group
 * @param port          UDP port of the group, 1..65535
 * @param ttl           multicast TTL, 1..255
 * @param key           the key packets are authenticated with (from session-service or {@link TransferKeys})
 */
public record NetworkSettings(String interfaceName, InetAddress group, int port, int ttl, byte[] key) {

    public NetworkSettings {
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("name the network interface: it is never guessed");
        }
        if (group == null) {
            throw new IllegalArgumentException("no multicast group");
        }
        if (!group.isMulticastAddress() || !(group instanceof Inet4Address)) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not an IPv4 multicast address (224.0.0.0/4)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL must be 1..255, not " + ttl);
        }
        if (key == null || key.length != TransferKeys.MASTER_LENGTH) {
            throw new IllegalArgumentException("a transfer key is " + TransferKeys.MASTER_LENGTH + " bytes, not "
                    + (key == null ? 0 : key.length));
        }
        key = key.clone();
    }

    /** A session's settings: the group derived from its name, the default port and TTL. */
    public static NetworkSettings forSession(String interfaceName, String session, byte[] key) {
        return new NetworkSettings(interfaceName, GroupAddress.derive(session), TransferDefaults.SESSION_PORT,
                TransferDefaults.TTL, key);
    }

    /**
     * The interface a device of the session would use, checked, with its IPv4 address (what a
     * device registers with before it knows its run's group and key).
     */
    public static NetworkChoice sessionInterface(String interfaceName, String session) {
        return NetworkChoice.of(interfaceName, GroupAddress.derive(session), TransferDefaults.SESSION_PORT,
                TransferDefaults.TTL);
    }

    /** The settings session-service hands a device: group as text, port, base64 key. */
    public static NetworkSettings fromSession(String interfaceName, String group, int port, String base64Key) {
        byte[] key;
        try {
            key = java.util.Base64.getDecoder().decode(base64Key == null ? "" : base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the session key is not base64");
        }
        return new NetworkSettings(interfaceName, parseGroup(group), port, TransferDefaults.TTL, key);
    }

    /**
     * The master key of a standalone transfer: stretched from a passphrase (PBKDF2), else derived
     * from the session name without stretching (it keeps strangers' packets out but protects
     * nothing from someone who knows the name, so making guesses costly would only cost CPU).
     */
    public static byte[] keyFromSecret(String secret, String session) {
        return secret != null ? TransferKeys.fromPassphrase(secret, session) : TransferKeys.fromSessionName(session);
    }

    /** A group given as text: a dotted IPv4 multicast address, never a host name. */
    public static InetAddress parseGroup(String group) {
        if (group == null || !group.matches("[0-9.]+")) {
            throw new IllegalArgumentException("give the group as a dotted IPv4 address, not " + group);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(group);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + group);
        }
        if (!address.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address (224.0.0.0/4)");
        }
        return address;
    }

    /**
     * Checks the interface: it exists, is up, does multicast and has an IPv4 address. The
     * message of the IllegalArgumentException says what is wrong and which interfaces exist.
     */
    public NetworkChoice resolve() {
        return NetworkChoice.of(interfaceName, group, port, ttl);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSettings n && interfaceName.equals(n.interfaceName) && group.equals(n.group)
                && port == n.port && ttl == n.ttl && Arrays.equals(key, n.key);
    }

    @Override
    public int hashCode() {
        return (interfaceName.hashCode() * 31 + group.hashCode()) * 31 + port * 31 + ttl + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "NetworkSettings[" + interfaceName + ", " + group.getHostAddress() + ":" + port + ", ttl " + ttl + "]";
    }
}
