package dev.imgcast.agent;

import dev.imgcast.protocol.image.BlockSource;
import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.image.BlockDevices;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.SendResult;
import dev.imgcast.protocol.transfer.SendSettings;
import dev.imgcast.protocol.transfer.SendTransfer;
import dev.imgcast.protocol.transfer.TransferProgress;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends an image with the transfer API and shows it: the manifest (from the cache or by reading
 * the image), the progress, the transfer report. {@code img send} and a master device of
 * {@code img session} both send this way.
 */
final class ImageSend {
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);

    /** The exit code, and the transfer's result (null when it did not run). */
    record Sent(int exitCode, SendResult result) {
    }

    private ImageSend() {
    }

    /** Reads and sends {@code image}; the settings are checked, the image and the interface too. */
    static Sent run(Path image, String session, NetworkSettings network, SendSettings settings) {
        Progress progress = new Progress(System.out, Progress.onTerminal());
        boolean device = !Files.isRegularFile(image);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            BlockSource source = (offset, into) -> ManifestScanner.readFully(channel, into, offset);
            Manifest manifest;
            try {
                manifest = manifest(image, device, source, settings, progress);
            } catch (IOException e) {
                System.err.println("img: cannot read " + image + ": " + e.getMessage());
                return new Sent(ExitCode.DISK, null);
            }
            if (manifest == null) {
                return new Sent(ExitCode.DISK, null);
            }
            SendTransfer transfer;
            try {
                transfer = new SendTransfer(network, settings, manifest, source, progress::message);
            } catch (IllegalArgumentException e) {
                throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
            }
            return send(transfer, manifest, session, settings, progress);
        } catch (IOException e) {
            System.err.println("img: cannot read " + image + ": " + e.getMessage());
            return new Sent(ExitCode.DISK, null);
        }
    }

    private static Manifest manifest(Path image, boolean device, BlockSource source, SendSettings settings,
            Progress progress) throws IOException {
        int block = settings.blockSize();
        long size = device ? BlockDevices.size(image) : Files.size(image);
        if (size < 0) {
            System.err.println("img: cannot tell the size of " + image);
            return null;
        }
        long started = System.nanoTime();
        Manifest manifest = ManifestCache.standard().manifest(image, source, size, block, settings.compressLevel(), !device,
                done -> progress.update("reading", done, size, "building the manifest"));
        progress.clearLine();
        double took = (System.nanoTime() - started) / 1e9;
        progress.message(String.format(Locale.ROOT,
                "image %s: %s, %d blocks of %s, %d all-zero (not sent), %s, SHA-256 %s (manifest in %.2f s)", image,
                Sizes.human(size), manifest.blockCount(), Sizes.human(block), manifest.zeroBlockCount(),
                manifest.level() == 0 ? "not compressed" : Sizes.human(manifest.storedBytes()) + " on the wire (zstd "
                        + manifest.level() + ")", manifest.sha256Hex(), took));
        return manifest;
    }

    /** Runs a transfer set up by the caller and reports it (also the AOT training's sender). */
    static Sent send(SendTransfer transfer, Manifest manifest, String session, SendSettings settings,
            Progress progress) {
        NetworkChoice choice = transfer.network();
        progress.message("session " + session + ": group " + choice.group().getHostAddress() + ":"
                + choice.port() + " on " + choice.interfaceName() + " (" + choice.address().getHostAddress()
                + "), rate " + Sizes.bitRate(settings.maxBitsPerSecond()) + "; waiting for receivers");
        Vertx vertx = Vertx.vertx(Runtimes.vertxOptions());
        Thread hook = new Thread(() -> {
            if (!transfer.isDone()) {
                transfer.abort("the sender was interrupted");
                transfer.awaitEnd(Duration.ofSeconds(1));
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        SendResult result;
        try {
            result = transfer.run(vertx, LOOK_EVERY, p -> show(p, progress));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the hook is running: it ended the transfer
            }
            vertx.close();
        }
        if (result.error() != null) {
            Throwable cause = result.error();
            progress.message("img: transfer failed: " + cause.getMessage());
            return new Sent(cause instanceof UncheckedIOException ? ExitCode.DISK : ExitCode.NETWORK, result);
        }
        return new Sent(report(result, manifest, progress), result);
    }

    private static void show(TransferProgress p, Progress progress) {
        switch (p.phase()) {
            case TRANSFERRING -> progress.update("sending", p.bytesDone(), p.bytesTotal(), String.format(Locale.ROOT,
                    "round %d  repairs %d  %s", p.round(), p.repairPackets(), Sizes.bitRate(p.rateBitsPerSecond())
                            + " cap"));
            case VERIFYING -> progress.update("verifying", p.bytesTotal(), p.bytesTotal(), "");
            default -> {
            }
        }
    }

    private static int report(SendResult result, Manifest manifest, Progress progress) {
        progress.clearLine();
        double seconds = result.transferNanos() / 1e9;
        PrintStream out = System.out;
        out.println("--- transfer report ---");
        out.println("result:    " + result.endReason());
        if (result.startReason() != null) {
            out.println("started:   " + result.startReason());
            long sent = manifest.bytesToSend();
            out.printf(Locale.ROOT, "image:     %s (%s sent, %d zero blocks skipped), SHA-256 %s%n",
                    Sizes.human(manifest.imageSize()), Sizes.human(sent), manifest.zeroBlockCount(),
                    manifest.sha256Hex());
            out.printf(Locale.ROOT, "time:      %.2f s from start to last result, %s of image per second%n", seconds,
                    seconds > 0 ? Sizes.bitRate(manifest.imageSize() * 8 / seconds) : "-");
            double repairShare = result.dataPackets() == 0 ? 0 : 100.0 * result.repairPackets() / result.dataPackets();
            out.printf(Locale.ROOT, "packets:   %d data, %d repairs (%.2f%%) in %d round(s); rate lowered %d time(s)%n",
                    result.dataPackets(), result.repairPackets(), repairShare, result.rounds(),
                    result.rateDecreases());
            out.println("repair:    " + result.repair());
            out.println("socket:    " + result.sendPath());
        }
        out.println("rejected:  " + (result.rejections().isEmpty() && result.badNaks() == 0 ? "none"
                : result.rejections() + (result.badNaks() > 0 ? " bad NAKs " + result.badNaks() : "")));
        for (ReceiverResult r : result.receivers()) {
            out.printf(Locale.ROOT, "receiver:  %-16s %-15s %-8s %s%n", r.host().isEmpty() ? "-" : r.host(),
                    r.address(), r.outcome(), r.outcome() == ReceiverOutcome.VERIFIED ? "SHA-256 " + r.sha256()
                            : r.message());
        }
        out.flush();
        if (result.receivers().isEmpty()) {
            return ExitCode.NETWORK;
        }
        return result.allVerified() ? ExitCode.VERIFIED : ExitCode.FAILED;
    }
}
