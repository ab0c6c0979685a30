package dev.imgcast.agent;

import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** img receive: join a transfer and write the image to a file or disk. */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = {"Receive an image over multicast and write it to a file or disk.",
            "Nothing is written to TARGET before the sender accepted this receiver and the target was checked."},
        footer = {"", ExitCode.HELP})
public final class ReceiveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "File (created or replaced) or block device.")
    Path target;

    @Mixin
    NetworkOptions network;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "0",
            description = "Give up when no sender is heard within SECONDS (default: wait forever).")
    double timeout;

    @Option(names = "--sender-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up when the sender falls silent this long during a transfer (default: ${DEFAULT-VALUE}).")
    double senderTimeout;

    @Option(names = "--sender", paramLabel = "ADDR",
            description = "Take the image only from the sender at this IPv4 address (default: the host whose"
                    + " authentic announcement names itself).")
    String sender;

    @Option(names = "--resume",
            description = "Keep what TARGET already holds of the image: blocks whose checksum matches are neither"
                    + " received nor written again (after a failed or interrupted receive).")
    boolean resume;

    @Option(names = "--name", paramLabel = "NAME",
            description = "How this device appears in the sender's report (default: the host name).")
    String name;

    @Override
    public Integer call() throws Exception {
        NetworkSettings settings = network.settings();
        ReceiveSettings receive;
        try {
            receive = new ReceiveSettings(name != null ? name : Disks.hostName(),
                    timeout == 0 ? null : Duration.ofNanos((long) (timeout * 1e9)), Duration.ofNanos((long) (senderTimeout * 1e9)));
            if (sender != null) {
                receive = receive.withSender(parseSender(sender));
            }
            receive = receive.withResume(resume);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        NetworkOptions.checkInterface(settings);
        Disks.checkTarget(target);
        return ImageReceive.run(target, network.session, settings, receive, p -> { }, t -> { }).exitCode();
    }

    /** A sender's address as typed: a dotted unicast IPv4 address, never a host name to look up. */
    private static InetAddress parseSender(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            try {
                InetAddress address = InetAddress.getByName(text);  // a literal: no lookup
                if (!address.isMulticastAddress() && !address.isAnyLocalAddress()) {
                    return address;
                }
            } catch (UnknownHostException e) {
                // said below
            }
        }
        throw new IllegalArgumentException("--sender must be the sender's unicast IPv4 address, e.g. 10.0.0.1, not "
                + text);
    }
}
