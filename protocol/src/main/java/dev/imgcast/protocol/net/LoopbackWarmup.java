package dev.imgcast.protocol.net;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.engine.SenderConfig;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.wire.TransferKeys;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A small transfer between a sender and a receiver of this process over the loopback interface
 * (unicast to 127.0.0.1, nothing leaves the host), through the same sockets, Netty pipeline and
 * engines a real transfer uses: the JIT compiles the whole receive path before the first real
 * datagram arrives.
 */
public final class LoopbackWarmup {
    private LoopbackWarmup() {
    }

    /** Runs one warm-up transfer of {@code mib} MiB; returns false if it could not run (no loopback). */
    public static boolean run(Vertx vertx, int mib) {
        byte[] bytes = new byte[mib << 20];
        new Random(17).nextBytes(bytes);
        MemoryImage source = new MemoryImage(bytes);
        Manifest manifest;
        try {
            manifest = ManifestScanner.scan(source, bytes.length, 1 << 20, null);
        } catch (IOException e) {
            return false;
        }
        byte[] key = TransferKeys.random();
        ImageBlocks blocks = new ImageBlocks(source, manifest, 0);
        SenderEngine sender = new SenderEngine(manifest, blocks,
                new SenderConfig(1400, 2_000_000_000L, 1, null, Duration.ofSeconds(5), Duration.ofSeconds(5), 8), key,
                new Random().nextInt(), PooledByteBufAllocator.DEFAULT, m -> { });
        ReceiverEngine receiver = new ReceiverEngine(MemoryImage.empty(bytes.length), key, 1, "warm-up",
                5_000_000_000L, 5_000_000_000L, PooledByteBufAllocator.DEFAULT, m -> { });
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            int port = 20000 + new Random().nextInt(20000);
            NetworkChoice choice = new NetworkChoice("lo", loopback, loopback, port, 1);
            Future<Void> receiving = EngineRunner.runReceiver(vertx, receiver, choice);
            Future<Void> sending = EngineRunner.runSender(vertx, sender, choice);
            Future.all(receiving, sending).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return receiver.verified();
        } catch (Exception e) {
            return false;
        }
    }
}
