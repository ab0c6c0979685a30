package dev.imgcast.protocol.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * A sender's multicast datagrams on their way to the socket: runs of one length (the DATA of a
 * block; a block's shorter last datagram may close a run) are copied back to back and written as
 * one UDP GSO send ({@code UDP_SEGMENT}, Netty's {@link SegmentedDatagramPacket}): one trip
 * through the stack for up to {@value #SEGMENTS} datagrams, which the kernel (or the NIC) cuts
 * into the same datagrams on the way out. A datagram that would not fit the interface's MTU is
 * never batched. If the kernel refuses a GSO send, GSO is off for the rest of the run (the
 * refused datagrams are repaired like lost ones). {@code IMG_GSO=0} turns it off.
 *
 * <p>Used on the sender's event loop only. {@link SendPath} counts what went which way.
 */
final class GsoBatch {
    /** Datagrams per GSO send: the kernel takes at most 64, and at most 64 KiB in all. */
    static final int SEGMENTS = 64;
    private static final int BYTES = 65_000;
    private static final boolean WANTED = !"0".equals(System.getenv("IMG_GSO"));

    private final DatagramChannel channel;
    private final InetSocketAddress to;
    private final SendPath path;
    private final int largest;
    private boolean on;
    private ByteBuf batch;
    private int segment;
    private int count;

    GsoBatch(DatagramChannel channel, InetSocketAddress to, String interfaceName, SendPath path) {
        this.channel = channel;
        this.to = to;
        this.path = path;
        this.largest = largestSegment(interfaceName);
        this.on = WANTED && largest > 0 && channel instanceof EpollDatagramChannel && SegmentedDatagramPacket.isSupported();
        if (!on) {
            path.gsoOff(!WANTED ? "IMG_GSO=0" : largest <= 0 ? "no MTU for " + interfaceName
                    : "not offered here (needs the epoll transport and UDP_SEGMENT, Linux 4.18 or later)");
        }
    }

    /** The largest datagram a GSO segment may be on this interface: its MTU less the IPv4 and UDP headers. */
    private static int largestSegment(String interfaceName) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            return nic == null ? 0 : nic.getMTU() - 28;
        } catch (SocketException e) {
            return 0;
        }
    }

    /** Takes a datagram (and its ownership); it leaves with the next {@link #emit} at the latest. */
    void add(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (!on || length > largest) {
            emit();
            path.single();
            channel.write(new DatagramPacket(datagram, to), channel.voidPromise());
            return;
        }
        if (batch != null && length > segment) {
            emit();
        }
        if (batch == null) {
            segment = length;
            batch = channel.alloc().directBuffer(length * segmentsOf(length));
        }
        batch.writeBytes(datagram);
        datagram.release();
        count++;
        // A shorter datagram (a block's last) may end a batch, as its last segment.
        if (length < segment || count == segmentsOf(segment)) {
            emit();
        }
    }

    private static int segmentsOf(int length) {
        return Math.max(1, Math.min(SEGMENTS, BYTES / length));
    }

    /** Hands the pending run to the channel (not flushed): one GSO send, or a plain datagram when it is one. */
    void emit() {
        if (batch == null) {
            return;
        }
        ByteBuf run = batch;
        int n = count;
        batch = null;
        count = 0;
        if (n == 1) {
            path.single();
            channel.write(new DatagramPacket(run, to), channel.voidPromise());
            return;
        }
        path.gso(n);
        channel.write(new SegmentedDatagramPacket(run, segment, to)).addListener(f -> {
            if (!f.isSuccess() && on) {
                on = false;
                path.gsoOff("the kernel refused a GSO send (" + f.cause() + ")");
            }
        });
    }

    /** Drops what is pending (the run is over). */
    void release() {
        if (batch != null) {
            batch.release();
            batch = null;
            count = 0;
        }
    }
}
