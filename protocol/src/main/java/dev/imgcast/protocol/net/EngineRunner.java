package dev.imgcast.protocol.net;

import dev.imgcast.protocol.engine.Outbox;
import dev.imgcast.protocol.engine.TransferEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDatagramChannelConfig;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link TransferEngine} on one Vert.x event loop with datagram sockets bound to the
 * chosen interface. The engine's state is only touched from that loop.
 *
 * <p>Facts this relies on (measured on Vert.x 4 with the epoll transport): Vert.x's {@code send} resolves the host and
 * allocates a promise per datagram, and its receive buffer option also sizes Netty's per-read
 * buffer. So the socket is created by Vert.x (binding, multicast membership, event loop), then
 * configured, read and written through its Netty channel: SO_RCVBUF set on the channel, a 9 KiB
 * read slot, recvmmsg batches on the epoll transport, datagrams handed to the engine before
 * Vert.x's handler sees them, bounded writes flushed once per poll (sendmmsg on epoll).
 *
 * <p>Runs of multicast datagrams of one length (the DATA of a block) leave as one UDP GSO send
 * ({@code UDP_SEGMENT}, Netty's {@link SegmentedDatagramPacket}) where the kernel offers it: one
 * trip through the stack for up to {@value #GSO_SEGMENTS} datagrams, cut into datagrams of the
 * same bytes by the kernel (or the NIC) on the way out; receivers see ordinary datagrams. A
 * datagram that would not fit the interface's MTU is never batched. If the kernel refuses a
 * batch, GSO is off for the rest of the run (the refused datagrams are repaired like lost ones).
 * {@code IMG_GSO=0} turns it off. {@link SendPath} counts what went which way.
 */
public final class EngineRunner implements Outbox {
    static final int RECEIVE_BUFFER = 4 << 20;
    static final int SEND_BUFFER = 1 << 20;
    static final int READ_BUFFER = 9216;
    static final int MESSAGES_PER_READ = 16;
    static final int DATAGRAMS_PER_READ = 16;
    /** Datagrams per GSO send: the kernel takes at most 64, and at most 64 KiB in all. */
    static final int GSO_SEGMENTS = 64;
    private static final int GSO_BYTES = 65_000;
    private static final boolean GSO_WANTED = !"0".equals(System.getenv("IMG_GSO"));

    private final Vertx vertx;
    private final TransferEngine engine;
    private final NetworkChoice network;
    private final boolean receiver;
    private final InetSocketAddress groupAddress;
    private final Promise<Void> done = Promise.promise();
    private final SendPath path;
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private Context context;
    private DatagramChannel sendChannel;
    private boolean needsFlush;
    private boolean gso;
    private int gsoLargest;
    private ByteBuf batch;
    private int batchSegment;
    private int batchCount;
    private long timerId = -1;
    private long wakeAt = Long.MAX_VALUE;

    private EngineRunner(Vertx vertx, TransferEngine engine, NetworkChoice network, boolean receiver, SendPath path) {
        this.vertx = vertx;
        this.path = path;
        this.engine = engine;
        this.network = network;
        this.receiver = receiver;
        this.groupAddress = new InetSocketAddress(network.group(), network.port());
    }

    /** Runs a sender: one socket on the interface's address, sending to the group, receiving reports. */
    public static Future<Void> runSender(Vertx vertx, TransferEngine engine, NetworkChoice network) {
        return runSender(vertx, engine, network, new SendPath());
    }

    /** Runs a sender, counting in {@code path} how its datagrams left. */
    public static Future<Void> runSender(Vertx vertx, TransferEngine engine, NetworkChoice network, SendPath path) {
        return new EngineRunner(vertx, engine, network, false, path).start();
    }

    /**
     * Runs a receiver: one socket bound to the group and port, member of the group on the
     * interface only, and one on the interface's address for the unicast exchange with the sender.
     */
    public static Future<Void> runReceiver(Vertx vertx, TransferEngine engine, NetworkChoice network) {
        return new EngineRunner(vertx, engine, network, true, new SendPath()).start();
    }

    private Future<Void> start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> open().onComplete(ar -> {
            if (ar.failed()) {
                closeAll();
                done.tryFail(ar.cause());
            } else {
                engine.bind((InetSocketAddress) sendChannel.localAddress());
                tick();
            }
        }));
        return done.future();
    }

    private Future<Void> open() {
        String ifaceAddress = network.address().getHostAddress();
        DatagramSocketOptions controlOptions = new DatagramSocketOptions()
                .setMulticastNetworkInterface(network.interfaceName())
                .setMulticastTimeToLive(network.ttl());
        DatagramSocket control = vertx.createDatagramSocket(controlOptions);
        sockets.add(control);
        Future<DatagramSocket> bound = control.listen(0, ifaceAddress).map(s -> {
            sendChannel = channelOf(s);
            tune(sendChannel);
            gsoLargest = gsoLargest(network.interfaceName());
            gso = GSO_WANTED && gsoLargest > 0 && sendChannel instanceof EpollDatagramChannel
                    && SegmentedDatagramPacket.isSupported();
            if (!gso) {
                path.gsoOff(!GSO_WANTED ? "IMG_GSO=0" : gsoLargest <= 0 ? "no MTU for " + network.interfaceName()
                        : "not offered here (needs the epoll transport and UDP_SEGMENT, Linux 4.18 or later)");
            }
            return s;
        });
        if (!receiver) {
            return bound.mapEmpty();
        }
        return bound.compose(c -> {
            DatagramSocket data = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true)
                    .setReusePort(true));
            sockets.add(data);
            // Bound to the group address: the socket sees this group's datagrams only.
            return data.listen(network.port(), network.group().getHostAddress())
                    .compose(s -> {
                        tune(channelOf(s));
                        if (!network.group().isMulticastAddress()) {
                            return Future.<Void>succeededFuture(); // the loopback warm-up: unicast
                        }
                        return s.listenMulticastGroup(network.group().getHostAddress(), network.interfaceName(), null)
                                .<Void>mapEmpty();
                    })
                    .mapEmpty();
        });
    }

    /** The largest datagram a GSO segment may be on this interface: its MTU less the IPv4 and UDP headers. */
    private static int gsoLargest(String interfaceName) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            return nic == null ? 0 : nic.getMTU() - 28;
        } catch (SocketException e) {
            return 0;
        }
    }

    private void tune(DatagramChannel channel) {
        channel.config().setOption(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER);
        channel.config().setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER);
        int readBuffer = READ_BUFFER;
        if (channel.config() instanceof EpollDatagramChannelConfig epoll) {
            // recvmmsg: one system call reads up to DATAGRAMS_PER_READ datagrams into slots of
            // READ_BUFFER bytes (the largest datagram the protocol allows fits one slot).
            epoll.setMaxDatagramPayloadSize(READ_BUFFER);
            readBuffer = READ_BUFFER * DATAGRAMS_PER_READ;
        }
        channel.config().setRecvByteBufAllocator(
                new FixedRecvByteBufAllocator(readBuffer).maxMessagesPerRead(MESSAGES_PER_READ));
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 << 10, 1 << 20));
        // Datagrams go straight to the engine, ahead of Vert.x's handler: no copy to the heap,
        // no address formatting per packet.
        channel.pipeline().addFirst("imgcast-engine", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof DatagramPacket packet) {
                    try {
                        onPacket(packet.content(), packet.sender());
                    } finally {
                        packet.release();
                    }
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        });
    }

    /** The Netty channel under a Vert.x datagram socket (a private field of Vert.x 4.5). */
    static DatagramChannel channelOf(DatagramSocket socket) {
        try {
            Field field = socket.getClass().getDeclaredField("channel");
            field.setAccessible(true);
            return (DatagramChannel) field.get(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Vert.x version hides the datagram channel differently", e);
        }
    }

    private static final boolean DEBUG = System.getenv("IMG_DEBUG") != null;
    private long lastPacketAt;

    private void onPacket(ByteBuf data, InetSocketAddress from) {
        long now = System.nanoTime();
        if (DEBUG && lastPacketAt != 0 && now - lastPacketAt > 20_000_000L) {
            System.err.printf("debug: %d ms without a packet%n", (now - lastPacketAt) / 1_000_000L);
        }
        lastPacketAt = now;
        boolean answer;
        try {
            answer = engine.onDatagram(data, from, now);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        if (answer) {
            // Answers (manifest chunks, reports) go out without waiting for the next timer.
            reschedule(now);
        }
    }

    private void tick() {
        timerId = -1;
        wakeAt = Long.MAX_VALUE;
        if (done.future().isComplete()) {
            return;
        }
        long now = System.nanoTime();
        long next;
        try {
            next = engine.poll(now, this);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        emitBatch();
        if (needsFlush) {
            sendChannel.flush();
            needsFlush = false;
        }
        if (engine.finished()) {
            closeAll();
            done.tryComplete();
            return;
        }
        reschedule(next);
    }

    private void reschedule(long at) {
        if (at >= wakeAt) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        wakeAt = at;
        long delay = at - System.nanoTime();
        if (delay <= 0) {
            // Yield to the event loop (inbound reports) before going on.
            timerId = -2;
            context.runOnContext(v -> {
                if (timerId == -2) {
                    tick();
                }
            });
        } else {
            // Timers have millisecond resolution: a shorter wait is a 1 ms wait, never a spin.
            timerId = vertx.setTimer(Math.max(1, Math.min((delay + 999_999) / 1_000_000L, 1000)), id -> tick());
        }
    }

    private void fail(Throwable e) {
        closeAll();
        done.tryFail(e);
    }

    private void closeAll() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        for (DatagramSocket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    @Override
    public void multicast(ByteBuf datagram) {
        needsFlush = true;
        int length = datagram.readableBytes();
        if (!gso || length > gsoLargest) {
            emitBatch();
            path.single();
            sendChannel.write(new DatagramPacket(datagram, groupAddress), sendChannel.voidPromise());
            return;
        }
        if (batch != null && length > batchSegment) {
            emitBatch();
        }
        if (batch == null) {
            batchSegment = length;
            batch = sendChannel.alloc().directBuffer(length * segmentsOf(length));
        }
        batch.writeBytes(datagram);
        datagram.release();
        batchCount++;
        // A shorter datagram (a block's last) may end a batch, as its last segment.
        if (length < batchSegment || batchCount == segmentsOf(batchSegment)) {
            emitBatch();
        }
    }

    private static int segmentsOf(int length) {
        return Math.max(1, Math.min(GSO_SEGMENTS, GSO_BYTES / length));
    }

    /** Hands the pending run of datagrams to the channel: one GSO send, or a plain datagram when it is one. */
    private void emitBatch() {
        if (batch == null) {
            return;
        }
        ByteBuf run = batch;
        int count = batchCount;
        batch = null;
        batchCount = 0;
        if (count == 1) {
            path.single();
            sendChannel.write(new DatagramPacket(run, groupAddress), sendChannel.voidPromise());
            return;
        }
        path.gso(count);
        sendChannel.write(new SegmentedDatagramPacket(run, batchSegment, groupAddress)).addListener(f -> {
            if (!f.isSuccess() && gso) {
                gso = false;
                path.gsoOff("the kernel refused a GSO send (" + f.cause() + ")");
            }
        });
    }

    @Override
    public void unicast(ByteBuf datagram, InetSocketAddress to) {
        emitBatch(); // in the order the engine sent them
        path.single();
        sendChannel.write(new DatagramPacket(datagram, to), sendChannel.voidPromise());
        needsFlush = true;
    }

    @Override
    public boolean canSend() {
        if (!sendChannel.isWritable()) {
            emitBatch();
            sendChannel.flush();
            needsFlush = false;
            return sendChannel.isWritable();
        }
        return true;
    }
}
