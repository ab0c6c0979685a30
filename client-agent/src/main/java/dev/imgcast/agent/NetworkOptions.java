package dev.imgcast.agent;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.wire.TransferKeys;
import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Option;

/** Where a standalone transfer happens and how it is authenticated; shared by send and receive. */
public final class NetworkOptions {
    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE",
            description = "Network interface to use (required: imgcast never picks one for you).")
    String interfaceName;

    @Option(names = {"-s", "--session"}, paramLabel = "NAME", defaultValue = "imgcast",
            description = "Session name; the group address is derived from it (default: ${DEFAULT-VALUE}).")
    String session;

    @Option(names = {"-g", "--group"}, paramLabel = "ADDR",
            description = "Multicast group, instead of the one derived from the session name.")
    String group;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "9100",
            description = "UDP port of the group (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ttl", paramLabel = "HOPS", defaultValue = "1",
            description = "Multicast TTL (default: ${DEFAULT-VALUE}: this segment only).")
    int ttl;

    @Option(names = "--secret", paramLabel = "TEXT",
            description = "Shared secret the per-transfer key is derived from (default: the session name, "
                    + "which keeps strangers' packets out but is no protection against someone who knows it).")
    String secret;

    /** The per-session key from session-service (img session), instead of one derived from a secret. */
    byte[] sessionKey;

    /** Checks what the command line alone decides: name, group, port, TTL. */
    void resolveNames() {
        GroupAddress.checkName(session);
        group();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be 1..65535, not " + port);
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("--ttl must be 1..255, not " + ttl);
        }
    }

    /** Checks the interface too; a problem here is the network's, not the command line's. */
    NetworkChoice resolve() {
        try {
            return NetworkChoice.of(interfaceName, group(), port, ttl);
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
    }

    private InetAddress group() {
        InetAddress address;
        if (group != null) {
            try {
                address = InetAddress.getByName(group);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: " + group);
            }
            if (!group.matches("[0-9.]+")) {
                throw new IllegalArgumentException("give the group as a dotted IPv4 address, not " + group);
            }
        } else {
            address = GroupAddress.derive(session);
        }
        if (!address.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address (224.0.0.0/4)");
        }
        return address;
    }

    byte[] key() {
        if (sessionKey != null) {
            return sessionKey;
        }
        return TransferKeys.fromSecret(secret != null ? secret : "session:" + session);
    }
}
