package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.wire.TransferKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * Runs a small transfer between a sender and a receiver engine in memory, so that the JIT has
 * compiled the per-packet path (codec, HMAC, bitmaps) before real data arrives. A cold receiver
 * JVM runs that path interpreted, several times slower, and loses the first burst of a transfer;
 * on a machine that runs sender and receivers at once, compiling during the transfer also takes
 * CPU from the transfer itself.
 */
public final class Warmup {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 1);
    private static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.1", 2);

    private Warmup() {
    }

    /** Transfers {@code rounds} small images in memory; returns the number of datagrams moved. */
    public static long run(int rounds) {
        long moved = 0;
        Random random = new Random(42);
        for (int i = 0; i < rounds; i++) {
            byte[] image = new byte[6 << 20];
            random.nextBytes(image);
            java.util.Arrays.fill(image, 4 << 20, 5 << 20, (byte) 0);
            moved += transfer(image, random);
        }
        return moved;
    }

    private static long transfer(byte[] bytes, Random random) {
        MemoryImage source = new MemoryImage(bytes);
        MemoryImage target = MemoryImage.empty(bytes.length);
        byte[] key = TransferKeys.random();
        var manifest = scan(source, bytes.length);
        SenderConfig config = new SenderConfig(1400, 50_000_000_000L, 1, null, null, Duration.ofSeconds(30), 50);
        SenderEngine sender = new SenderEngine(manifest, source, config, key, 7, PooledByteBufAllocator.DEFAULT,
                m -> { });
        ReceiverEngine receiver = new ReceiverEngine(target, key, 9, "warmup", 0, 30_000_000_000L,
                PooledByteBufAllocator.DEFAULT, m -> {
                    if (System.getenv("IMG_WARMUP_DEBUG") != null) {
                        System.err.println("warm-up receiver: " + m);
                    }
                });
        Queue toReceiver = new Queue();
        Queue toSender = new Queue();
        long moved = 0;
        long now = System.nanoTime();
        long start = now;
        for (int step = 0; step < 200_000 && !(sender.finished() && receiver.finished()); step++) {
            now += 50_000;
            sender.poll(now, toReceiver);
            ByteBuf b;
            while ((b = toReceiver.poll()) != null) {
                // A few losses exercise the repair path too.
                if (random.nextInt(100) != 0) {
                    receiver.onDatagram(b, SENDER, now);
                }
                b.release();
                moved++;
            }
            receiver.poll(now, toSender);
            while ((b = toSender.poll()) != null) {
                sender.onDatagram(b, RECEIVER, now);
                b.release();
                moved++;
            }
        }
        if (System.getenv("IMG_WARMUP_DEBUG") != null) {
            System.err.println("warm-up: sender " + sender.state() + " receiver " + receiver.state() + " "
                    + receiver.message() + " sim ms " + (now - start) / 1_000_000L);
        }
        return moved;
    }

    private static dev.imgcast.protocol.image.Manifest scan(MemoryImage image, int size) {
        try {
            return ManifestScanner.scan(image, size, 1 << 20, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Queue extends ArrayDeque<ByteBuf> implements Outbox {
        @Override
        public void multicast(ByteBuf datagram) {
            add(datagram);
        }

        @Override
        public void unicast(ByteBuf datagram, InetSocketAddress to) {
            add(datagram);
        }

        @Override
        public boolean canSend() {
            return size() < 256;
        }
    }
}
