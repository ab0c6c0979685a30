package dev.imgcast.agent;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.image.BlockSource;
import dev.imgcast.protocol.image.FileImageTarget;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.SendSettings;
import dev.imgcast.protocol.transfer.SendTransfer;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the agent bundle's AOT cache (agent-bundle/ runs it once at build time with
 * {@code -XX:AOTCacheOutput}): what a device does in its first seconds, so that the cache holds
 * those classes, already linked, and their profiles. First the command line as a user types it
 * (help, version, usage errors, a send and a receive stopped at the interface check), then a real
 * transfer of a file image into a file through the sockets, engines and the sender's report, and
 * the receiver's loopback warm-up.
 *
 * <p>Network safety: the transfer is unicast to 127.0.0.1 on the loopback interface, as the
 * receiver's warm-up ({@code LoopbackWarmup}) is; nothing is sent on any other interface and no
 * multicast group is joined. The commands that reach the interface check name an interface that
 * cannot exist (longer than the 15 characters Linux allows), so they stop there with exit code 4.
 *
 * <p>Everything the commands print is kept and shown only when the training did not go as
 * expected; then the exit code is 1 and the build fails, because a cache trained on an error path
 * would not be the cache a device needs.
 */
public final class AotTraining {
    /** Longer than IFNAMSIZ - 1: no Linux interface has this name. */
    static final String NO_INTERFACE = "imgcast-training-none";
    private static final int MIB = 1 << 20;

    private final Path work;
    private final List<String> problems = new ArrayList<>();

    private AotTraining(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("img-aot-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8);
        AotTraining training = new AotTraining(work);
        long started = System.nanoTime();
        System.setOut(sink);
        System.setErr(sink);
        try {
            training.commandLine();
            training.transfer();
        } catch (Exception e) {
            training.problems.add("training failed: " + e);
            e.printStackTrace(sink);
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(work);
        }
        if (!training.problems.isEmpty()) {
            err.println(captured.toString(StandardCharsets.UTF_8));
            training.problems.forEach(p -> err.println("img AOT training: " + p));
            System.exit(1);
        }
        out.printf("img AOT training: command line and a loopback transfer done in %d ms%n",
                (System.nanoTime() - started) / 1_000_000L);
        System.exit(0);
    }

    /** The commands a user types, each with the exit code it must end with. */
    private void commandLine() throws IOException {
        Path image = Files.write(work.resolve("small.img"), new byte[64 << 10]);
        String target = work.resolve("target.img").toString();
        expect(ExitCode.VERIFIED, "--version");
        expect(ExitCode.VERIFIED, "--help");
        expect(ExitCode.VERIFIED, "send", "--help");
        expect(ExitCode.VERIFIED, "receive", "--help");
        expect(ExitCode.VERIFIED, "session", "--help");
        expect(ExitCode.USAGE, "send");
        expect(ExitCode.USAGE, "bogus");
        expect(ExitCode.USAGE, "receive", target, "--interface", NO_INTERFACE, "--port", "0");
        expect(ExitCode.USAGE, "send", image.toString(), "--interface", NO_INTERFACE, "--rate", "fast", "--receivers", "1");
        expect(ExitCode.USAGE, "session", "lab3", "client", "clients=3", "--disk", target, "-i", NO_INTERFACE);
        expect(ExitCode.NETWORK, "receive", target, "--interface", NO_INTERFACE, "--session", "training", "--timeout", "1",
                "--name", "training");
        expect(ExitCode.NETWORK, "send", image.toString(), "--interface", NO_INTERFACE, "--session", "training",
                "--receivers", "1", "--wait", "1.5", "--rate", "900m", "--block-size", "1M", "--timeout", "1");
        expect(ExitCode.DISK, "send", work.resolve("missing.img").toString(), "--interface", NO_INTERFACE,
                "--receivers", "1");
    }

    private void expect(int code, String... args) {
        int exit = Img.execute(args);
        if (exit != code) {
            problems.add("img " + String.join(" ", args) + " exited " + exit + ", expected " + code);
        }
    }

    /**
     * A 16 MiB image file (random and zero blocks, a short last one) sent by the sender's code of
     * img send (manifest through the cache, the transfer, its report) to a receiver engine writing
     * a file, as img receive does after its warm-up; then the copy is compared with the image.
     */
    private void transfer() throws Exception {
        Path image = image(work.resolve("image.img"), 16);
        Path copy = work.resolve("copy.img");
        Progress progress = new Progress(System.out, false);
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        NetworkChoice choice = new NetworkChoice("lo", loopback, loopback, freePort(loopback), 1);
        byte[] key = NetworkSettings.keyFromSecret(null, "training");
        Vertx vertx = Vertx.vertx(Runtimes.vertxOptions());
        FileImageTarget target = new FileImageTarget(copy);
        try {
            Runtimes.warmUp(vertx, progress);
            ReceiverEngine receiver = new ReceiverEngine(target, key, 1, "training", seconds(10), seconds(10),
                    PooledByteBufAllocator.DEFAULT, progress::message);
            Future<Void> receiving = EngineRunner.runReceiver(vertx, receiver, choice);
            SendSettings settings = new SendSettings(1400, 2_000_000_000L, MIB, 1, null, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), 8);
            ImageSend.Sent sent;
            String sha;
            try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
                BlockSource source = (offset, into) -> ManifestScanner.readFully(channel, into, offset);
                ManifestCache cache = new ManifestCache(work.resolve("manifests"));
                long size = Files.size(image);
                cache.manifest(image, source, size, MIB, settings.compressLevel(), true, done -> { });
                Manifest manifest = cache.manifest(image, source, size, MIB, settings.compressLevel(), true,
                        done -> { });
                sha = manifest.sha256Hex();
                SendTransfer transfer = new SendTransfer(choice, key, settings, manifest, source, progress::message);
                sent = ImageSend.send(transfer, manifest, "training", settings, progress);
            }
            receiving.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            target.close();
            if (sent.exitCode() != ExitCode.VERIFIED || !receiver.verified()) {
                problems.add("the loopback transfer did not verify: sender exit " + sent.exitCode() + ", receiver "
                        + receiver.failure());
            } else if (!sha.equals(sha256(copy))) {
                problems.add("the copy differs from the image");
            }
        } finally {
            target.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static long seconds(int s) {
        return TimeUnit.SECONDS.toNanos(s);
    }

    /** A port free on the loopback address now (the receiver binds it a moment later). */
    private static int freePort(InetAddress loopback) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            return probe.getLocalPort();
        }
    }

    /** {@code mib} blocks of 1 MiB: random, zero, text-like in turn, and a short last block. */
    static Path image(Path file, int mib) throws IOException {
        Random random = new Random(17);
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int b = 0; b < mib; b++) {
                if (b % 3 == 1) {
                    out.write(new byte[MIB]);
                } else if (b % 3 == 2) {
                    // text-like: the compressing and inflating paths get trained too
                    String line = "root:x:0:0:root:/root:/bin/bash\n";
                    for (int i = 0; i < MIB; i++) {
                        block[i] = (byte) (i % 97 == 0 ? '0' + (i / 97) % 10 : line.charAt(i & 31));
                    }
                    out.write(block);
                } else {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            out.write(block, 0, 12_345);
        }
        return file;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[MIB];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
