package dev.imgcast.agent;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.TransferDefaults;
import dev.imgcast.protocol.wire.TransferKeys;
import java.nio.file.Path;
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

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + TransferDefaults.SESSION_PORT,
            description = "UDP port of the group (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ttl", paramLabel = "HOPS", defaultValue = "" + TransferDefaults.TTL,
            description = "Multicast TTL (default: ${DEFAULT-VALUE}: this segment only).")
    int ttl;

    @Option(names = "--secret", paramLabel = "TEXT",
            description = "Shared secret, the same on the sender and every receiver: stretched with PBKDF2 into the"
                    + " master key, from which each transfer derives fresh keys of its own (default: the session"
                    + " name, which keeps strangers' packets out but protects nothing from someone who knows it)."
                    + " Others on the host can see a command line: --key-file keeps it out of sight.")
    String secret;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Read the master key from FILE instead of --secret: 32 random bytes, as 64 hex digits,"
                    + " base64 or raw (head -c 32 /dev/urandom | base64 > FILE makes one; copy it to every host).")
    Path keyFile;

    /** The settings the command line gives; a wrong value is a usage error (exit code 2). */
    NetworkSettings settings() {
        try {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("--port must be 1..65535, not " + port);
            }
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("--ttl must be 1..255, not " + ttl);
            }
            GroupAddress.checkName(session);
            if (secret != null && keyFile != null) {
                throw new IllegalArgumentException("give --secret or --key-file, not both");
            }
            byte[] key = keyFile != null ? TransferKeys.fromKeyFile(keyFile) : NetworkSettings.keyFromSecret(secret, session);
            return new NetworkSettings(interfaceName, group != null ? NetworkSettings.parseGroup(group)
                    : GroupAddress.derive(session), port, ttl, key);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
    }

    /** Checks the interface too; a problem here is the network's (exit code 4), not the command line's. */
    static void checkInterface(NetworkSettings settings) {
        try {
            settings.resolve();
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
    }
}
