package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.ImageTarget;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.image.StoredBlocks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A sender and receivers wired together in memory with simulated time: the engines run exactly
 * as on sockets, but each datagram is delivered (or lost) by this class. Loss is per receiver
 * link and random with a fixed seed, so every run is the same.
 *
 * <p>For runs at scale ({@link ScaleRun}) a receiver's link may have its own {@link LossModel}
 * and a {@link SlowLink} (both for datagrams from the sender), every datagram may take a one-way
 * {@link #delayNanos} in both directions, and receivers may be polled only when they asked to be
 * ({@link #pollOnWake}), as the socket layer does. Without these, a run is what it always was.
 */
final class MemoryNetwork {
    static final InetSocketAddress SENDER_ADDRESS = new InetSocketAddress("10.0.0.1", 5000);
    static final long STEP_NANOS = 20_000;

    final SenderEngine sender;
    final Manifest manifest;
    final List<Node> receivers = new ArrayList<>();
    private byte[] key;
    private long listenTimeout;
    final List<String> senderLog = new ArrayList<>();
    final Random random = new Random(7);
    final List<ByteBuf> multicastInjections = new ArrayList<>();
    /** Returns true for a unicast from the sender that the network should lose. */
    java.util.function.BiPredicate<Node, ByteBuf> loseUnicast = (node, datagram) -> false;
    /** Datagrams a hostile or replaying host puts on the wire: to every receiver, or to the sender. */
    final List<Injected> toReceivers = new ArrayList<>();
    final List<Injected> toSender = new ArrayList<>();
    /** Sees a copy of every datagram the sender sends (multicast: to == null) and every receiver sends. */
    java.util.function.BiConsumer<ByteBuf, InetSocketAddress> tapSender = (datagram, to) -> { };
    java.util.function.BiConsumer<Node, ByteBuf> tapReceiver = (node, datagram) -> { };
    /** Returns true for a datagram from a receiver that the network should lose. */
    java.util.function.BiPredicate<Node, ByteBuf> loseToSender = (node, datagram) -> false;
    /** The sender is not polled before this simulated time (its datagrams come in are still handled). */
    long senderStartsAt;
    long now = 1_000_000_000L;
    long multicastDatagrams;
    /** Datagrams receivers sent to an address other than the sender's. */
    long strayUnicasts;
    /** One-way delay of every datagram, both directions, in order (0: delivered in the step it is sent). */
    long delayNanos;
    /** Poll a receiver only at the time its last poll asked for, or when a datagram asks for it (EngineRunner's way). */
    boolean pollOnWake;
    /** Sees every datagram from a receiver as it reaches the sender (after loss and delay). */
    java.util.function.BiConsumer<Node, ByteBuf> atSender = (node, datagram) -> { };
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Each receiver's copy of a datagram is made here: the engines do not keep what they are given. */
    private final ByteBuf scratch = Unpooled.buffer(9216);

    /** A datagram on its way: from the sender ({@code from == null}; {@code to == null}: the group) or from a receiver. */
    private record InFlight(long at, ByteBuf datagram, InetSocketAddress to, Node from) {
    }

    record Injected(ByteBuf datagram, InetSocketAddress from) {
    }

    static final class Node {
        final ReceiverEngine engine;
        /** The target when it is a {@link MemoryImage}, else null; {@link #image} is the target in any case. */
        final MemoryImage target;
        final ImageTarget image;
        final InetSocketAddress address;
        final List<String> log;
        double loss;
        boolean dead;
        /** Loss of datagrams from the sender (null: {@link #loss}); {@link #loss} still applies to those to the sender. */
        LossModel lossModel;
        /** A link slower than the sender (null: as fast as needed). */
        SlowLink slowLink;
        long wakeAt;

        Node(ReceiverEngine engine, ImageTarget image, InetSocketAddress address, List<String> log) {
            this.engine = engine;
            this.target = image instanceof MemoryImage m ? m : null;
            this.image = image;
            this.address = address;
            this.log = log;
        }
    }

    MemoryNetwork(byte[] image, SenderConfig config, byte[] key, int receiverCount, long listenTimeoutNanos) {
        this(image, config, key, receiverCount, listenTimeoutNanos, 0, null);
    }

    /**
     * @param level  zstd level of the stored blocks (0: raw)
     * @param blocks how the sender gets its blocks (null: from the image, as {@code img send} does)
     */
    MemoryNetwork(byte[] image, SenderConfig config, byte[] key, int receiverCount, long listenTimeoutNanos, int level,
            java.util.function.BiFunction<MemoryImage, Manifest, StoredBlocks> blocks) {
        this(image, 1 << 20, config, key, receiverCount, listenTimeoutNanos, level, blocks, null);
    }

    /**
     * @param blockSize block size of the manifest
     * @param targets   receiver i's target, i from 1 (null: a {@link MemoryImage} of the image's size each)
     */
    MemoryNetwork(byte[] image, int blockSize, SenderConfig config, byte[] key, int receiverCount, long listenTimeoutNanos,
            int level, java.util.function.BiFunction<MemoryImage, Manifest, StoredBlocks> blocks,
            IntFunction<ImageTarget> targets) {
        MemoryImage source = new MemoryImage(image);
        try {
            manifest = ManifestScanner.scan(source, image.length, blockSize, level, 0, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StoredBlocks stored = blocks != null ? blocks.apply(source, manifest) : new ImageBlocks(source, manifest, 0);
        sender = new SenderEngine(manifest, stored, config, key, 0x1234, UnpooledByteBufAllocator.DEFAULT,
                senderLog::add);
        sender.bind(SENDER_ADDRESS);
        this.key = key;
        this.listenTimeout = listenTimeoutNanos;
        for (int i = 1; i <= receiverCount; i++) {
            ImageTarget target = targets != null ? targets.apply(i) : MemoryImage.empty(image.length);
            List<String> log = new ArrayList<>();
            ReceiverEngine engine = new ReceiverEngine(target, key, 100 + i, "r" + i, listenTimeoutNanos,
                    5_000_000_000L, UnpooledByteBufAllocator.DEFAULT, log::add);
            engine.inflateWith(Runnable::run); // deterministic: inflate inline, in simulated time
            InetSocketAddress address = new InetSocketAddress(receiverAddress(i), 6000);
            engine.bind(address);
            receivers.add(new Node(engine, target, address, log));
        }
    }

    /**
     * Receiver {@code index} (from 0) starts again, as a killed img run again on the same host: a
     * new engine with a new node id, the same host name and address, onto {@code target}.
     */
    Node restart(int index, ImageTarget target) {
        Node old = receivers.get(index);
        List<String> log = new ArrayList<>();
        ReceiverEngine engine = new ReceiverEngine(target, key, 500 + index, "r" + (index + 1), listenTimeout,
                5_000_000_000L, UnpooledByteBufAllocator.DEFAULT, log::add);
        engine.inflateWith(Runnable::run);
        engine.bind(old.address);
        Node node = new Node(engine, target, old.address, log);
        receivers.set(index, node);
        return node;
    }

    /** Runs until sender and every live receiver are finished, or {@code maxSeconds} of simulated time. */
    boolean run(double maxSeconds, Consumer<MemoryNetwork> eachStep) {
        long end = now + (long) (maxSeconds * 1e9);
        Queue fromSender = new Queue();
        Queue fromReceiver = new Queue();
        while (now < end) {
            now += STEP_NANOS;
            if (eachStep != null) {
                eachStep.accept(this);
            }
            if (now >= senderStartsAt) {
                sender.poll(now, fromSender);
            }
            for (ByteBuf b : multicastInjections) {
                fromSender.multicast.add(b);
            }
            multicastInjections.clear();
            for (Injected i : toReceivers) {
                for (Node node : receivers) {
                    if (!node.dead) {
                        deliver(node, i.datagram, i.from);
                    }
                }
                i.datagram.release();
            }
            toReceivers.clear();
            for (Injected i : toSender) {
                sender.onDatagram(i.datagram, i.from, now);
                i.datagram.release();
            }
            toSender.clear();
            arrive();
            deliverFromSender(fromSender);
            for (Node node : receivers) {
                if (node.dead || pollOnWake && now < node.wakeAt) {
                    continue;
                }
                node.wakeAt = node.engine.poll(now, fromReceiver);
                ByteBuf b;
                while ((b = fromReceiver.multicast.poll()) != null) {
                    b.release(); // receivers never multicast; nothing listens
                }
                Queue.Addressed a;
                while ((a = fromReceiver.unicast.poll()) != null) {
                    tapReceiver.accept(node, a.datagram);
                    if (!a.to.equals(SENDER_ADDRESS)) {
                        strayUnicasts++; // to a host that is not the sender: nobody real listens there
                    } else if (random.nextDouble() >= node.loss && !loseToSender.test(node, a.datagram)) {
                        if (delayNanos > 0) {
                            inFlight.add(new InFlight(now + delayNanos, a.datagram, SENDER_ADDRESS, node));
                            continue;
                        }
                        atSender.accept(node, a.datagram);
                        sender.onDatagram(a.datagram, node.address, now);
                    }
                    a.datagram.release();
                }
            }
            deliverFromSender(fromSender);
            if (sender.finished() && receivers.stream().allMatch(n -> n.dead || n.engine.finished())) {
                return true;
            }
        }
        return false;
    }

    private void deliverFromSender(Queue fromSender) {
        ByteBuf b;
        while ((b = fromSender.multicast.poll()) != null) {
            tapSender.accept(b, null);
            multicastDatagrams++;
            if (delayNanos > 0) {
                inFlight.add(new InFlight(now + delayNanos, b, null, null));
            } else {
                toGroup(b);
            }
        }
        Queue.Addressed a;
        while ((a = fromSender.unicast.poll()) != null) {
            tapSender.accept(a.datagram, a.to);
            if (delayNanos > 0) {
                inFlight.add(new InFlight(now + delayNanos, a.datagram, a.to, null));
            } else {
                toReceiver(a.datagram, a.to);
            }
        }
    }

    /** Hands over every delayed datagram whose time has come, in the order they were sent. */
    private void arrive() {
        while (!inFlight.isEmpty() && inFlight.peek().at <= now) {
            InFlight f = inFlight.poll();
            if (f.from != null) {
                atSender.accept(f.from, f.datagram);
                sender.onDatagram(f.datagram, f.from.address, now);
                f.datagram.release();
            } else if (f.to == null) {
                toGroup(f.datagram);
            } else {
                toReceiver(f.datagram, f.to);
            }
        }
    }

    private void toGroup(ByteBuf datagram) {
        for (Node node : receivers) {
            if (!node.dead && !losesFromSender(node, datagram)) {
                deliver(node, datagram, SENDER_ADDRESS);
            }
        }
        datagram.release();
    }

    private void toReceiver(ByteBuf datagram, InetSocketAddress to) {
        for (Node node : receivers) {
            if (node.address.equals(to) && !node.dead && !losesFromSender(node, datagram)
                    && !loseUnicast.test(node, datagram)) {
                deliver(node, datagram, SENDER_ADDRESS);
            }
        }
        datagram.release();
    }

    private boolean losesFromSender(Node node, ByteBuf datagram) {
        boolean lost = node.lossModel != null ? node.lossModel.lose(now) : random.nextDouble() < node.loss;
        // a datagram lost on the way never reaches the slow port's queue
        return lost || node.slowLink != null && node.slowLink.drop(datagram.readableBytes(), now);
    }

    /** Each receiver gets its own copy: a receiver decrypts in place, as it does a datagram from its socket. */
    private void deliver(Node node, ByteBuf datagram, InetSocketAddress from) {
        scratch.clear().writeBytes(datagram, datagram.readerIndex(), datagram.readableBytes());
        if (node.engine.onDatagram(scratch, from, now)) {
            node.wakeAt = now;
        }
    }

    /** Releases the datagrams still on their way (their buffers are not garbage collected). */
    void close() {
        inFlight.forEach(f -> f.datagram.release());
        inFlight.clear();
    }

    /** Receiver i's address: 10.0.0.(10 + i) as always, from 246 on 10.1.x.y. */
    static InetAddress receiverAddress(int i) {
        byte[] ip = i <= 245 ? new byte[] {10, 0, 0, (byte) (10 + i)} : new byte[] {10, 1, (byte) (i >> 8), (byte) i};
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Queue implements Outbox {
        record Addressed(ByteBuf datagram, InetSocketAddress to) {
        }

        final ArrayDeque<ByteBuf> multicast = new ArrayDeque<>();
        final ArrayDeque<Addressed> unicast = new ArrayDeque<>();

        @Override
        public void multicast(ByteBuf datagram) {
            multicast.add(datagram);
        }

        @Override
        public void unicast(ByteBuf datagram, InetSocketAddress to) {
            unicast.add(new Addressed(datagram, to));
        }

        @Override
        public boolean canSend() {
            return multicast.size() < 512;
        }
    }

    /** An image of {@code blocks} 1 MiB blocks: random, with every third block all zero. */
    static byte[] image(int blocks, int tail, long seed) {
        byte[] bytes = new byte[blocks * (1 << 20) + tail];
        new Random(seed).nextBytes(bytes);
        for (int b = 0; b < blocks; b += 3) {
            java.util.Arrays.fill(bytes, b << 20, (b + 1) << 20, (byte) 0);
        }
        return bytes;
    }

    /**
     * An image that compresses the way disks do, in part: per 1 MiB block, a random share of
     * random bytes, the rest repeated text; every fourth block all zero.
     */
    static byte[] compressibleImage(int blocks, int tail, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[blocks * (1 << 20) + tail];
        byte[] text = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int b = 0; b * (1 << 20) < bytes.length; b++) {
            int from = b << 20;
            int to = Math.min(bytes.length, from + (1 << 20));
            if (b % 4 == 3) {
                continue;
            }
            int randomPart = (to - from) * random.nextInt(60) / 100;
            for (int i = from; i < to; i++) {
                bytes[i] = i - from < randomPart ? (byte) random.nextInt() : text[(i + b) % text.length];
            }
        }
        return bytes;
    }
}
