package dev.imgcast.agent;

import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.ReceiveResult;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import dev.imgcast.protocol.transfer.ReceiveTransfer;
import dev.imgcast.protocol.transfer.TransferProgress;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Receives an image with the transfer API and shows it: where it listens, the progress, what
 * arrived and whether it verified. {@code img receive} and a client device of {@code img session}
 * both receive this way.
 */
final class ImageReceive {
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);

    /** The exit code and the transfer's result. */
    record Received(int exitCode, ReceiveResult result) {
    }

    private ImageReceive() {
    }

    /**
     * Receives into {@code target} (checked by the caller); {@code also} sees the progress too
     * (img session reports it to session-service); {@code made} gets the transfer before it starts,
     * so that another thread may {@link ReceiveTransfer#stop} it (img session, when its run ends).
     * A stopped transfer returns {@link ExitCode#RUN_ENDED}; the caller says why.
     */
    static Received run(Path target, String session, NetworkSettings network, ReceiveSettings settings,
            Consumer<TransferProgress> also, Consumer<ReceiveTransfer> made) {
        PrintStream out = System.out;
        Progress progress = new Progress(out, Progress.onTerminal());
        ReceiveTransfer transfer;
        try {
            transfer = new ReceiveTransfer(network, settings, target, progress::message);
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
        made.accept(transfer);
        Vertx vertx = Vertx.vertx(Runtimes.vertxOptions());
        ReceiveResult result;
        try {
            Runtimes.warmUp(vertx, progress);
            NetworkChoice choice = transfer.network();
            Duration timeout = settings.listenTimeout();
            progress.message("session " + session + ": listening on " + choice.group().getHostAddress() + ":"
                    + choice.port() + " via " + choice.interfaceName()
                    + (timeout != null ? " for " + timeout.toMillis() / 1000.0 + " s" : "")
                    + (settings.sender() != null ? ", from sender " + settings.sender().getHostAddress() + " only" : "")
                    + "; target " + target);
            result = transfer.run(vertx, LOOK_EVERY, p -> {
                also.accept(p);
                if (p.phase() == TransferProgress.Phase.TRANSFERRING) {
                    progress.update("receiving", p.bytesDone(), p.bytesTotal(),
                            String.format(Locale.ROOT, "round %d  missing %d", p.round(), p.missing()));
                } else if (p.phase() == TransferProgress.Phase.VERIFYING && p.bytesDone() < p.bytesTotal()) {
                    progress.update("verifying", p.bytesDone(), p.bytesTotal(), "reading back");
                }
            });
        } finally {
            vertx.close();
        }
        if (transfer.stopReason() != null && !result.verified()) {
            progress.message("stopped receiving: " + transfer.stopReason());
            return new Received(ExitCode.RUN_ENDED, result);
        }
        if (result.error() != null) {
            progress.message("img: receive failed: " + result.error().getMessage());
            return new Received(ExitCode.NETWORK, result);
        }
        progress.clearLine();
        out.printf(Locale.ROOT, "received %s (%s of data) into %s in %.2f s; %d duplicates, %d rejected datagrams%s"
                + "%s%n", Sizes.human(result.imageSize()), Sizes.human(result.bytesReceived()), target,
                progress.elapsedSeconds(), result.duplicates(), result.rejected(),
                result.rejections().isEmpty() ? "" : " " + result.rejections(),
                result.outOfRange() + result.crcFailures() == 0 ? ""
                        : String.format(Locale.ROOT, "; %d authentic packets out of range, %d blocks failed their CRC32C"
                                + " and were fetched again", result.outOfRange(), result.crcFailures()));
        if (result.bytesReused() > 0) {
            out.printf(Locale.ROOT, "resumed: kept %s of the image (%.0f%%) already on %s; received %s of the %s it sends"
                    + " (%.0f%%)%n", Sizes.human(result.bytesReused()), 100.0 * result.bytesReused() / Math.max(1, result.imageSize()),
                    target, Sizes.human(result.bytesReceived()), Sizes.human(result.bytesToReceive()),
                    100.0 * result.bytesReceived() / Math.max(1, result.bytesToReceive()));
        }
        if (result.verified()) {
            out.println("verified SHA-256 " + result.sha256() + (result.verifiedOnDevice()
                    ? " (read back from the device with O_DIRECT, past the page cache)" : ""));
            String partitions = Disks.rereadPartitions(target);
            if (partitions != null) {
                out.println(partitions);
            }
            return new Received(ExitCode.VERIFIED, result);
        }
        System.err.println("img: " + result.message());
        return new Received(switch (result.failure()) {
            case TARGET -> ExitCode.DISK;
            case NETWORK -> result.message().contains("already started") ? ExitCode.REFUSED : ExitCode.NETWORK;
            default -> ExitCode.FAILED;
        }, result);
    }
}
