package dev.imgcast.agent;

import dev.imgcast.protocol.engine.BlockSource;
import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.engine.SenderConfig;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.image.BlockDevices;
import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.wire.Verdict;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "1400",
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

    @Option(names = "--max-stalled-rounds", paramLabel = "N", defaultValue = "8",
            description = "Drop a receiver that makes no progress over N repair rounds (default: ${DEFAULT-VALUE}).")
    int maxStalledRounds;

    /** For img session: the engine and the manifest after {@link #call()}. */
    SenderEngine engine;
    Manifest manifest;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Progress progress = new Progress(out, Progress.onTerminal());
        SenderConfig config;
        long bitRate;
        int block;
        try {
            bitRate = Sizes.parseBitRate(rate);
            long parsedBlock = Sizes.parseBytes(blockSize);
            if (parsedBlock > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("block size too large");
            }
            block = (int) parsedBlock;
            if (receivers < 0) {
                throw new IllegalArgumentException("--receivers must not be negative");
            }
            if (waitSeconds != null && !(waitSeconds > 0 && waitSeconds <= 86_400)) {
                throw new IllegalArgumentException("--wait must be between 0 and 86400 seconds");
            }
            if (receivers == 0 && waitSeconds == null) {
                throw new IllegalArgumentException("say when to start: --receivers COUNT, --wait SECONDS, or both");
            }
            if (timeout < 0 || receiverTimeout <= 0) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            config = new SenderConfig(payload, bitRate, receivers,
                    waitSeconds == null ? null : Duration.ofMillis(Math.round(waitSeconds * 1000)),
                    timeout == 0 ? null : Duration.ofMillis(Math.round(timeout * 1000)),
                    Duration.ofMillis(Math.round(receiverTimeout * 1000)), maxStalledRounds);
            new ImageLayout(0, block, payload);
            network.resolveNames();
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        checkImage(image);

        NetworkChoice choice = network.resolve();
        boolean device = !Files.isRegularFile(image);
        FileChannel channel;
        BlockSource source;
        try {
            channel = FileChannel.open(image, StandardOpenOption.READ);
            long size = device ? BlockDevices.size(image) : Files.size(image);
            if (size < 0) {
                System.err.println("img: cannot tell the size of " + image);
                return ExitCode.DISK;
            }
            long started = System.nanoTime();
            source = (offset, into) -> ManifestScanner.readFully(channel, into, offset);
            manifest = ManifestCache.standard().manifest(image, source, size, block, !device,
                    done -> progress.update("reading", done, size, "building the manifest"));
            progress.clearLine();
            double took = (System.nanoTime() - started) / 1e9;
            progress.message(String.format(Locale.ROOT,
                    "image %s: %s, %d blocks of %s, %d all-zero (not sent), SHA-256 %s (manifest in %.2f s)", image,
                    Sizes.human(size), manifest.blockCount(), Sizes.human(block), manifest.zeroBlockCount(),
                    manifest.sha256Hex(), took));
        } catch (IOException e) {
            System.err.println("img: cannot read " + image + ": " + e.getMessage());
            return ExitCode.DISK;
        }

        Vertx vertx = Vertx.vertx(Runtimes.vertxOptions());
        int transferId = new SecureRandom().nextInt();
        engine = new SenderEngine(manifest, source, config, network.key(), transferId,
                PooledByteBufAllocator.DEFAULT, progress::message);
        progress.message("session " + network.session + ": group " + choice.group().getHostAddress() + ":"
                + choice.port() + " on " + choice.interfaceName() + " (" + choice.address().getHostAddress()
                + "), rate " + Sizes.bitRate(bitRate) + "; waiting for receivers");

        CompletableFuture<Void> finished = EngineRunner.runSender(vertx, engine, choice).toCompletionStage()
                .toCompletableFuture();
        long periodic = vertx.setPeriodic(250, id -> showProgress(engine, manifest, progress));
        Thread hook = new Thread(() -> {
            if (!finished.isDone()) {
                vertx.runOnContext(v -> engine.abort(System.nanoTime(), "the sender was interrupted"));
                try {
                    finished.get(1, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            finished.join();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            progress.message("img: transfer failed: " + cause.getMessage());
            return cause instanceof java.io.UncheckedIOException ? ExitCode.DISK : ExitCode.NETWORK;
        } finally {
            vertx.cancelTimer(periodic);
            Runtime.getRuntime().removeShutdownHook(hook);
            vertx.close();
            channel.close();
        }
        return report(engine, manifest, progress);
    }

    /** What can be told about an image before reading it: a problem is exit code 3. */
    static void checkImage(Path image) {
        if (!Files.exists(image)) {
            throw new Img.Problem(ExitCode.DISK, "image " + image + " does not exist");
        }
        if (Files.isDirectory(image)) {
            throw new Img.Problem(ExitCode.DISK, image + " is a directory; name an image file or a disk");
        }
        if (!Files.isReadable(image)) {
            throw new Img.Problem(ExitCode.DISK, image + " is not readable");
        }
    }

    private static void showProgress(SenderEngine engine, Manifest manifest, Progress progress) {
        switch (engine.state()) {
            case SENDING, COLLECTING -> {
                long total = manifest.bytesToSend();
                long done = engine.round() <= 1 ? (long) (engine.firstPassShare() * total) : total;
                progress.update("sending", done, total, String.format(Locale.ROOT, "round %d  repairs %d  %s",
                        engine.round(), engine.repairPackets(), Sizes.bitRate(engine.currentRateBitsPerSecond())
                                + " cap"));
            }
            case VERIFYING -> progress.update("verifying", manifest.bytesToSend(), manifest.bytesToSend(), "");
            default -> {
            }
        }
    }

    private static int report(SenderEngine engine, Manifest manifest, Progress progress) {
        progress.clearLine();
        List<ReceiverResult> results = engine.results();
        double seconds = engine.transferNanos() / 1e9;
        PrintStream out = System.out;
        out.println("--- transfer report ---");
        out.println("result:    " + engine.endReason());
        if (engine.startReason() != null) {
            out.println("started:   " + engine.startReason());
            long sent = manifest.bytesToSend();
            out.printf(Locale.ROOT, "image:     %s (%s sent, %d zero blocks skipped), SHA-256 %s%n",
                    Sizes.human(manifest.imageSize()), Sizes.human(sent), manifest.zeroBlockCount(),
                    manifest.sha256Hex());
            out.printf(Locale.ROOT, "time:      %.2f s from start to last result, %s of image per second%n", seconds,
                    seconds > 0 ? Sizes.bitRate(manifest.imageSize() * 8 / seconds) : "-");
            double repairShare = engine.dataPackets() == 0 ? 0 : 100.0 * engine.repairPackets() / engine.dataPackets();
            out.printf(Locale.ROOT, "packets:   %d data, %d repairs (%.2f%%) in %d round(s); rate lowered %d time(s)%n",
                    engine.dataPackets(), engine.repairPackets(), repairShare, engine.round(),
                    engine.rateDecreases());
        }
        Map<Verdict, Long> rejected = engine.counters().rejections();
        out.println("rejected:  " + (rejected.isEmpty() && engine.badNaks() == 0 ? "none"
                : rejected + (engine.badNaks() > 0 ? " bad NAKs " + engine.badNaks() : "")));
        int verified = 0;
        for (ReceiverResult r : results) {
            if (r.outcome() == ReceiverOutcome.VERIFIED) {
                verified++;
            }
            out.printf(Locale.ROOT, "receiver:  %-16s %-15s %-8s %s%n", r.host().isEmpty() ? "-" : r.host(),
                    r.address(), r.outcome(), r.outcome() == ReceiverOutcome.VERIFIED ? "SHA-256 " + r.sha256()
                            : r.message());
        }
        out.flush();
        if (results.isEmpty()) {
            return ExitCode.NETWORK;
        }
        return verified == results.size() ? ExitCode.VERIFIED : ExitCode.FAILED;
    }
}
