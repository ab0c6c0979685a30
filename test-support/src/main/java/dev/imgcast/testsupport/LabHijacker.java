package dev.imgcast.testsupport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hostile host of the namespace lab ({@link Lab#hostile}), JDK only: it knows no key, it only
 * copies what it hears. Always on the lab host's eth0, TTL 1, to the group the test names.
 *
 * <ul>
 *   <li>{@code hijack GROUP PORT VICTIM SECONDS RATE}: joins the group, re-sends every datagram the
 *       victim (the real sender, by address) multicasts unchanged from its own address, and its
 *       latest ANNOUNCE again and again, RATE a second; whatever reaches its own socket (a JOIN a
 *       receiver sent it, taking it for the sender) it relays to the victim.</li>
 *   <li>{@code record GROUP PORT FILE SECONDS}: appends every datagram heard on the group to FILE.</li>
 *   <li>{@code replay GROUP PORT FILE SECONDS RATE}: multicasts the recording from FILE, in order and
 *       over and over, RATE datagrams a second.</li>
 * </ul>
 * It prints what it did once a second ({@code hijacker: ...}, {@code recorder: ...}, {@code replayer: ...}).
 */
public final class LabHijacker {
    private static final int ANNOUNCE = 1;
    private static final byte[] MAGIC = {'I', 'M', 'G', 'C'};

    private LabHijacker() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress group = InetAddress.getByName(args[1]);
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(args[1] + " is no multicast group");
        }
        eth0();
        int port = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "hijack" -> hijack(group, port, InetAddress.getByName(args[3]), end(args[4]), Integer.parseInt(args[5]));
            case "record" -> record(group, port, Path.of(args[3]), end(args[4]));
            case "replay" -> replay(group, port, Path.of(args[3]), end(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("hijack, record or replay, not " + args[0]);
        }
    }

    private static long end(String seconds) {
        return System.nanoTime() + (long) (Double.parseDouble(seconds) * 1e9);
    }

    /** A socket that hears the group on eth0 (bound to the group's address and port). */
    private static MulticastSocket listener(InetAddress group, int port) throws IOException {
        MulticastSocket socket = new MulticastSocket(null);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(group, port));
        socket.joinGroup(new InetSocketAddress(group, 0), eth0());
        socket.setSoTimeout(100);
        return socket;
    }

    /** The socket it sends from: multicast out of eth0 only, TTL 1, not looped back to itself. */
    private static MulticastSocket sender() throws IOException {
        MulticastSocket socket = new MulticastSocket(0);
        socket.setNetworkInterface(eth0());
        socket.setTimeToLive(1);
        socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
        return socket;
    }

    /** eth0 of a lab host (an address in 10.250.0.0/24), or nothing is sent at all. */
    private static NetworkInterface eth0() throws IOException {
        NetworkInterface eth0 = NetworkInterface.getByName("eth0");
        if (eth0 == null || eth0.inetAddresses().noneMatch(a -> a.getHostAddress().startsWith("10.250.0."))) {
            throw new IOException("no eth0 with a lab address (10.250.0.0/24): this runs inside a lab host only");
        }
        return eth0;
    }

    private static boolean isAnnounce(DatagramPacket p) {
        byte[] d = p.getData();
        return p.getLength() > 6 && Arrays.equals(d, p.getOffset(), p.getOffset() + 4, MAGIC, 0, 4)
                && d[p.getOffset() + 5] == ANNOUNCE;
    }

    private static void hijack(InetAddress group, int port, InetAddress victim, long end, int rate) throws Exception {
        AtomicReference<byte[]> announce = new AtomicReference<>();
        AtomicReference<SocketAddress> victimSocket = new AtomicReference<>();
        AtomicLong copied = new AtomicLong();
        AtomicLong announced = new AtomicLong();
        AtomicLong relayed = new AtomicLong();
        try (MulticastSocket in = listener(group, port); MulticastSocket out = sender()) {
            out.setSoTimeout(100);
            SocketAddress groupSocket = new InetSocketAddress(group, port);
            Thread relay = daemon(() -> {
                byte[] buffer = new byte[65_536];
                while (System.nanoTime() < end) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    if (receive(out, p) && victimSocket.get() != null) {
                        out.send(new DatagramPacket(p.getData(), p.getLength(), victimSocket.get()));
                        relayed.incrementAndGet();
                    }
                }
            });
            Thread repeat = daemon(() -> {
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    byte[] a = announce.get();
                    if (a != null) {
                        out.send(new DatagramPacket(a, a.length, groupSocket));
                        announced.incrementAndGet();
                    }
                    next += 1_000_000_000L / rate;
                    sleepUntil(next);
                }
            });
            byte[] buffer = new byte[65_536];
            long report = System.nanoTime();
            while (System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                if (receive(in, p) && p.getAddress().equals(victim)) {
                    byte[] copy = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
                    if (isAnnounce(p)) {
                        announce.set(copy);
                        victimSocket.set(p.getSocketAddress());
                    }
                    out.send(new DatagramPacket(copy, copy.length, groupSocket));
                    copied.incrementAndGet();
                }
                if (System.nanoTime() - report > 1_000_000_000L) {
                    report = System.nanoTime();
                    System.out.println("hijacker: re-sent " + copied + " datagrams of " + victim.getHostAddress()
                            + " and " + announced + " of its announcements; relayed " + relayed + " datagrams to it");
                }
            }
            relay.join(1000);
            repeat.join(1000);
        }
    }

    private static void record(InetAddress group, int port, Path file, long end) throws Exception {
        long recorded = 0;
        try (MulticastSocket in = listener(group, port);
             DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            byte[] buffer = new byte[65_536];
            long report = System.nanoTime();
            while (System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                if (receive(in, p)) {
                    out.writeShort(p.getLength());
                    out.write(p.getData(), p.getOffset(), p.getLength());
                    out.flush();
                    recorded++;
                }
                if (System.nanoTime() - report > 1_000_000_000L) {
                    report = System.nanoTime();
                    System.out.println("recorder: " + recorded + " datagrams");
                }
            }
        }
    }

    private static void replay(InetAddress group, int port, Path file, long end, int rate) throws Exception {
        List<byte[]> recording = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            while (true) {
                byte[] d = new byte[in.readUnsignedShort()];
                in.readFully(d);
                recording.add(d);
            }
        } catch (EOFException e) {
            // the whole recording
        }
        if (recording.isEmpty()) {
            throw new IOException("nothing recorded in " + file);
        }
        long sent = 0;
        try (MulticastSocket out = sender()) {
            SocketAddress groupSocket = new InetSocketAddress(group, port);
            long next = System.nanoTime();
            long report = next;
            while (System.nanoTime() < end) {
                byte[] d = recording.get((int) (sent % recording.size()));
                out.send(new DatagramPacket(d, d.length, groupSocket));
                sent++;
                next += 1_000_000_000L / rate;
                sleepUntil(next);
                if (System.nanoTime() - report > 1_000_000_000L) {
                    report = System.nanoTime();
                    System.out.println("replayer: " + sent + " datagrams of a recording of " + recording.size());
                }
            }
        }
    }

    private static boolean receive(DatagramSocket socket, DatagramPacket p) throws IOException {
        try {
            socket.receive(p);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void sleepUntil(long next) throws InterruptedException {
        long wait = next - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Something that may throw, run on a daemon thread; a failure ends the whole program. */
    private interface Work {
        void run() throws Exception;
    }

    private static Thread daemon(Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
