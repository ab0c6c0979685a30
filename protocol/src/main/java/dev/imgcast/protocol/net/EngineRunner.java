package dev.imgcast.protocol.net;

import dev.imgcast.protocol.engine.Outbox;
import dev.imgcast.protocol.engine.TransferEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDatagramChannelConfig;
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
 * <p>Multicast datagrams go through a {@link GsoBatch}: runs of one length leave as one UDP GSO
 * send where the kernel offers it.
 */
public final class EngineRunner implements Outbox {
    static final int RECEIVE_BUFFER = 4 << 20;
    static final int SEND_BUFFER = 1 << 20;
    static final int READ_BUFFER = 9216;
    static final int MESSAGES_PER_READ = 16;
    static final int DATAGRAMS_PER_READ = 16;

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
    private GsoBatch batch;
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
            batch = new GsoBatch(sendChannel, groupAddress, network.interfaceName(), path);
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
        batch.emit();
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
        }
        for (DatagramSocket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    @Override
    public void multicast(ByteBuf datagram) {
        needsFlush = true;
        batch.add(datagram);
    }

    @Override
    public void unicast(ByteBuf datagram, InetSocketAddress to) {
        batch.emit(); // in the order the engine sent them
        path.single();
        sendChannel.write(new DatagramPacket(datagram, to), sendChannel.voidPromise());
        needsFlush = true;
    }

    @Override
    public boolean canSend() {
        if (!sendChannel.isWritable()) {
            batch.emit();
            sendChannel.flush();
            needsFlush = false;
            return sendChannel.isWritable();
        }
        return true;
    }
}
