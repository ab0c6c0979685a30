package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.image.FileImageTarget;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Receives one image into a file or block device: settings → receiver engine on its sockets →
 * result. Nothing is written to the target before the sender accepted this receiver and the
 * target was checked. Used by {@code img receive}, a client device of {@code img session} and the
 * image store's capture.
 */
public final class ReceiveTransfer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetworkChoice network;
    private final FileImageTarget target;
    private final ReceiverEngine engine;
    private volatile EngineRun run;

    /**
     * Checks the interface (IllegalArgumentException saying what is wrong) and sets up the engine.
     *
     * @param log the engine's lines worth showing, called on the event loop
     */
    public ReceiveTransfer(NetworkSettings network, ReceiveSettings settings, Path target, Consumer<String> log) {
        this.network = network.resolve();
        this.target = new FileImageTarget(target, settings.resume());
        int nodeId = 0;
        while (nodeId == 0) {
            nodeId = RANDOM.nextInt();
        }
        this.engine = new ReceiverEngine(this.target, network.key(), nodeId, settings.host(),
                nanos(settings.listenTimeout()), nanos(settings.senderTimeout()), PooledByteBufAllocator.DEFAULT,
                log);
        if (settings.sender() != null) {
            engine.expectSender(settings.sender());
        }
    }

    private static long nanos(Duration d) {
        return d == null ? 0 : d.toNanos();
    }

    /** The interface, its address, the group and port the transfer listens on. */
    public NetworkChoice network() {
        return network;
    }

    /**
     * Runs the transfer on {@code vertx} until it ends and returns how it went; every
     * {@code every}, a look at it goes to {@code progress} on this thread. The target is closed
     * when this returns. Call once.
     */
    public ReceiveResult run(Vertx vertx, Duration every, Consumer<TransferProgress> progress) {
        if (run != null) {
            throw new IllegalStateException("a transfer runs once");
        }
        EngineRun r = new EngineRun(vertx);
        run = r;
        Throwable error;
        try {
            r.start(() -> EngineRunner.runReceiver(vertx, engine, network), () -> TransferProgress.of(engine), every);
            error = r.await(every, progress, () -> { });
        } finally {
            target.close();
        }
        return ReceiveResult.of(engine, error);
    }
}
