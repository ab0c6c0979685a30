package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.image.BlockSource;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.StoredBlocks;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.net.SendPath;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends one image to the receivers that join: settings → sender engine on its sockets → result.
 * Used by {@code img send}, a master device of {@code img session} and the multicast-sender.
 *
 * <pre>{@code
 * SendTransfer transfer = new SendTransfer(network, settings, manifest, source, log::info);
 * SendResult result = transfer.run(vertx, Duration.ofSeconds(2), progress -> ...);
 * }</pre>
 */
public final class SendTransfer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetworkChoice network;
    private final Manifest manifest;
    private final SenderEngine engine;
    private final StoredBlocks blocks;
    private volatile EngineRun run;

    /**
     * Checks the interface (IllegalArgumentException saying what is wrong) and sets up the engine.
     *
     * @param log the engine's lines worth showing (who joined, why it started), called on the event loop
     */
    public SendTransfer(NetworkSettings network, SendSettings settings, Manifest manifest, BlockSource source,
            Consumer<String> log) {
        this(network.resolve(), network.key(), settings, manifest, source, log);
    }

    /**
     * Sets up the engine on sockets already chosen, e.g. unicast to 127.0.0.1 on the loopback
     * interface (as {@code LoopbackWarmup} does), where tests run a whole transfer inside one host.
     */
    public SendTransfer(NetworkChoice network, byte[] key, SendSettings settings, Manifest manifest, BlockSource source,
            Consumer<String> log) {
        // Blocks the manifest says are compressed are compressed again as they are sent, ahead of the link.
        this(network, key, settings, manifest, new ImageBlocks(source, manifest, ImageBlocks.defaultThreads()), log);
    }

    /**
     * Sends blocks already in their stored form (an image kept packed, {@code PackedBlocks}):
     * nothing is compressed again. The transfer closes {@code blocks} when it has run.
     */
    public SendTransfer(NetworkChoice network, byte[] key, SendSettings settings, Manifest manifest, StoredBlocks blocks,
            Consumer<String> log) {
        this.network = network;
        this.manifest = manifest;
        this.blocks = blocks;
        this.engine = new SenderEngine(manifest, blocks, settings.config(), key, RANDOM.nextInt(),
                PooledByteBufAllocator.DEFAULT, log);
    }

    /** The interface, its address, the group and port the transfer runs on. */
    public NetworkChoice network() {
        return network;
    }

    /** The engine, for metrics that read its counters; it is driven on its event loop only. */
    public SenderEngine engine() {
        return engine;
    }

    /**
     * Runs the transfer on {@code vertx} until it ends and returns how it went; every
     * {@code every}, a look at it goes to {@code progress} on this thread. Call once.
     */
    public SendResult run(Vertx vertx, Duration every, Consumer<TransferProgress> progress) {
        if (run != null) {
            throw new IllegalStateException("a transfer runs once");
        }
        EngineRun r = new EngineRun(vertx);
        run = r;
        long total = manifest.storedBytes();
        Throwable error;
        SendPath path = new SendPath();
        try {
            r.start(() -> EngineRunner.runSender(vertx, engine, network, path), () -> TransferProgress.of(engine, total), every);
            error = r.await(every, progress, () -> abort("the sender was interrupted"));
        } finally {
            blocks.close();
        }
        return new SendResult(engine.startReason(), engine.endReason(), engine.results(), manifest.sha256Hex(),
                engine.transferNanos(), engine.dataPackets(), engine.repairPackets(), engine.round(),
                engine.rateDecreases(), engine.counters().rejections(), engine.badNaks(), error, path.describe(),
                String.format(java.util.Locale.ROOT, "%d parity symbols; %d round reports, at most %d in a round; group"
                        + " round-trip %.1f ms", engine.parityPackets(), engine.roundReports(),
                        engine.mostRoundReportsInARound(), engine.groupRoundTripNanos() / 1e6));
    }

    /** Ends the transfer: the receivers are told, {@link #run} returns soon. From any thread. */
    public void abort(String reason) {
        EngineRun r = run;
        if (r != null) {
            r.onContext(() -> engine.abort(System.nanoTime(), reason));
        }
    }

    /** Whether the run ended (or never started). */
    public boolean isDone() {
        EngineRun r = run;
        return r == null || r.isDone();
    }

    /** Waits up to {@code patience} for the run to end; true when it did. */
    public boolean awaitEnd(Duration patience) {
        EngineRun r = run;
        return r == null || r.awaitDone(patience);
    }
}
