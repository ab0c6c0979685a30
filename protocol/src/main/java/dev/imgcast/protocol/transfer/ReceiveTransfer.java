package dev.imgcast.protocol.transfer;

import dev.imgcast.protocol.engine.Outbox;
import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.engine.TransferEngine;
import io.netty.buffer.ByteBuf;
import dev.imgcast.protocol.image.FileImageTarget;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CancellationException;
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
    private volatile String stopped;

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
            r.start(() -> EngineRunner.runReceiver(vertx, new Stoppable(), network), () -> TransferProgress.of(engine),
                    every);
            error = r.await(every, progress, () -> { });
        } finally {
            target.close();
        }
        String why = stopped;
        if (why != null && error == null && !engine.finished()) {
            error = new CancellationException(why);
        }
        return ReceiveResult.of(engine, error);
    }

    /**
     * Stops the transfer from any thread, e.g. when the session it belongs to was cancelled: the
     * sockets close within a second (at once before {@link #run}), nothing more is written, and
     * {@link #run} returns a FAILED result whose error is a {@link CancellationException} with
     * {@code reason}. A transfer that already ended keeps its result.
     */
    public void stop(String reason) {
        if (stopped == null) {
            stopped = reason == null || reason.isBlank() ? "stopped" : reason;
        }
    }

    /** Why {@link #stop} was called, or null. */
    public String stopReason() {
        return stopped;
    }

    /** The engine as the runner sees it: finished once stopped, deaf to datagrams from then on. */
    private final class Stoppable implements TransferEngine {
        @Override
        public void bind(InetSocketAddress self) {
            engine.bind(self);
        }

        @Override
        public boolean onDatagram(ByteBuf in, InetSocketAddress from, long now) {
            return stopped == null ? engine.onDatagram(in, from, now) : true;
        }

        @Override
        public long poll(long now, Outbox out) {
            return stopped == null ? engine.poll(now, out) : now;
        }

        @Override
        public boolean finished() {
            return stopped != null || engine.finished();
        }
    }
}
