package dev.imgcast.agent;

import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.SendSettings;
import dev.imgcast.protocol.transfer.TransferDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** img send: stream an image file or disk to every receiver on the group. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send an image file or disk over multicast to every receiver that registers.",
            "Starts when --receivers have registered, or when --wait seconds pass without a new one."},
        footer = {"", ExitCode.HELP})
public final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file or block device to send.")
    Path image;

    @Mixin
    NetworkOptions network;

    @Option(names = {"-n", "--receivers"}, paramLabel = "COUNT", defaultValue = "0",
            description = "Start as soon as COUNT receivers have registered.")
    int receivers;

    @Option(names = {"-w", "--wait"}, paramLabel = "SECONDS",
            description = "Start when SECONDS pass without a new registration (decimals allowed).")
    Double waitSeconds;

    @Option(names = {"-r", "--rate"}, paramLabel = "BITS", defaultValue = "500m",
            description = "Maximum rate on the wire, bits per second: 500m, 1g, 90000k (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "" + TransferDefaults.PAYLOAD,
            description = "Image bytes per datagram: 1400 fits a 1500-byte MTU (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--block-size", paramLabel = "BYTES", defaultValue = "1M",
            description = "Block size of the manifest (default: ${DEFAULT-VALUE}).")
    String blockSize;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "0",
            description = "Give up if no receiver registers within SECONDS (default: wait forever).")
    double timeout;

    @Option(names = "--receiver-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Drop a receiver silent this long (default: ${DEFAULT-VALUE}).")
    double receiverTimeout;

    @Option(names = "--max-stalled-rounds", paramLabel = "N", defaultValue = "" + TransferDefaults.MAX_STALLED_ROUNDS,
            description = "Drop a receiver that makes no progress over N repair rounds (default: ${DEFAULT-VALUE}).")
    int maxStalledRounds;

    @Option(names = "--compress", paramLabel = "auto|off|LEVEL", defaultValue = "auto",
            description = "Compress each block with zstd before it travels: auto (level 1, fast), off, or a zstd level"
                    + " -7..19; a block that does not shrink travels raw (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--fec", paramLabel = "off|auto|PERCENT", defaultValue = "off",
            description = "Parity sent with the first pass, as a share of the packets: off (parity only repairs what"
                    + " receivers report lost), auto (twice the worst loss receivers report, at most 25%%), or a"
                    + " percentage; for lossy networks and receivers that cannot report (default: ${DEFAULT-VALUE}).")
    String fec;

    @Override
    public Integer call() throws Exception {
        NetworkSettings settings = network.settings();
        if (receivers == 0 && waitSeconds == null) {
            throw Img.Problem.usage("say when to start: --receivers COUNT, --wait SECONDS, or both");
        }
        SendSettings send;
        try {
            long block = Sizes.parseBytes(blockSize);
            if (block > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--block-size too large");
            }
            if (receivers < 0) {
                throw new IllegalArgumentException("--receivers must not be negative");
            }
            if (waitSeconds != null && !(waitSeconds > 0 && waitSeconds <= 86_400)) {
                throw new IllegalArgumentException("--wait must be between 0 and 86400 seconds");
            }
            if (timeout < 0 || receiverTimeout <= 0) {
                throw new IllegalArgumentException("--timeout and --receiver-timeout must be positive");
            }
            send = new SendSettings(payload, Sizes.parseBitRate(rate), (int) block, receivers, seconds(waitSeconds),
                    timeout == 0 ? null : seconds(timeout), seconds(receiverTimeout), maxStalledRounds,
                    SendSettings.parseCompression(compress), SendSettings.parseFec(fec));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        Disks.checkImage(image);
        NetworkOptions.checkInterface(settings);
        return ImageSend.run(image, network.session, settings, send).exitCode();
    }

    /** Seconds as typed (decimals allowed) as a duration; null stays null; negative ones are refused by the settings. */
    private static Duration seconds(Double seconds) {
        return seconds == null ? null : Duration.ofMillis(Math.round(seconds * 1000));
    }
}
