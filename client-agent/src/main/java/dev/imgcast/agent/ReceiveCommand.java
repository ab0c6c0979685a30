package dev.imgcast.agent;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.image.FileImageTarget;
import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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

    @Option(names = "--name", paramLabel = "NAME",
            description = "How this device appears in the sender's report (default: the host name).")
    String name;

    /** For img session: the engine after {@link #call()}, and a look at it four times a second. */
    ReceiverEngine engine;
    java.util.function.Consumer<ReceiverEngine> onTick = e -> { };

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Progress progress = new Progress(out, Progress.onTerminal());
        try {
            network.resolveNames();
            if (timeout < 0 || senderTimeout <= 0) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        NetworkChoice choice = network.resolve();
        checkTarget(target);

        FileImageTarget imageTarget = new FileImageTarget(target);
        int nodeId = 0;
        SecureRandom random = new SecureRandom();
        while (nodeId == 0) {
            nodeId = random.nextInt();
        }
        engine = new ReceiverEngine(imageTarget, network.key(), nodeId, name != null ? name : hostName(),
                (long) (timeout * 1e9), (long) (senderTimeout * 1e9), PooledByteBufAllocator.DEFAULT, progress::message);

        Vertx vertx = Vertx.vertx(Runtimes.vertxOptions());
        Runtimes.warmUp(vertx, progress);
        CompletableFuture<Void> finished = EngineRunner.runReceiver(vertx, engine, choice).toCompletionStage()
                .toCompletableFuture();
        progress.message("session " + network.session + ": listening on " + choice.group().getHostAddress() + ":"
                + choice.port() + " via " + choice.interfaceName() + (timeout > 0 ? " for " + timeout + " s" : "")
                + "; target " + target);
        long periodic = vertx.setPeriodic(250, id -> {
            onTick.accept(engine);
            if (engine.state() == ReceiverEngine.State.RECEIVING) {
                progress.update("receiving", engine.bytesReceived(), engine.bytesToReceive(),
                        String.format(Locale.ROOT, "round %d  missing %d", engine.round(), engine.missing()));
            }
        });
        try {
            finished.join();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            progress.message("img: receive failed: " + cause.getMessage());
            return ExitCode.NETWORK;
        } finally {
            vertx.cancelTimer(periodic);
            vertx.close();
            imageTarget.close();
        }
        progress.clearLine();
        out.printf(Locale.ROOT, "received %s (%s of data) into %s in %.2f s; %d duplicates, %d rejected datagrams%s"
                + "%s%n", Sizes.human(engine.imageSize()), Sizes.human(engine.bytesReceived()), target,
                progress.elapsedSeconds(), engine.duplicates(), engine.counters().rejected(),
                engine.counters().rejections().isEmpty() ? "" : " " + engine.counters().rejections(),
                engine.outOfRange() + engine.crcFailures() == 0 ? ""
                        : String.format(Locale.ROOT, "; %d authentic packets out of range, %d blocks failed their CRC32C"
                                + " and were fetched again", engine.outOfRange(), engine.crcFailures()));
        if (engine.verified()) {
            out.println("verified SHA-256 " + engine.writtenSha256());
            return ExitCode.VERIFIED;
        }
        System.err.println("img: " + engine.message());
        return switch (engine.failure()) {
            case TARGET -> ExitCode.DISK;
            case NETWORK -> engine.message().contains("already started") ? ExitCode.REFUSED : ExitCode.NETWORK;
            default -> ExitCode.FAILED;
        };
    }

    /** What can be told about a target before anything is written: a problem is exit code 3. */
    static void checkTarget(Path target) {
        if (Files.isDirectory(target)) {
            throw new Img.Problem(ExitCode.DISK, target + " is a directory; name a file or a block device");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new Img.Problem(ExitCode.DISK, "directory " + parent + " does not exist");
        }
        if (Files.exists(target) ? !Files.isWritable(target) : !Files.isWritable(parent)) {
            throw new Img.Problem(ExitCode.DISK, (Files.exists(target) ? target : parent) + " is not writable");
        }
    }

    /** The kernel's host name, as a device is shown when no name is given. */
    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "device";
        }
    }
}
