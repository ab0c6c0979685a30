package dev.imgcast.agent.lab;

import dev.imgcast.protocol.wire.FrameWriter;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.TransferKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.util.Random;

/**
 * A hostile host for the lab tests: sends, to a group on eth0 of its namespace, well-formed
 * imgcast packets encrypted with a wrong key (DATA full of 0xFF for random blocks, fake VERIFY and
 * DROP) and random junk, for a number of seconds.
 *
 * <p>Arguments: group port seconds
 */
public final class LabForger {
    public static void main(String[] args) throws Exception {
        InetAddress group = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        long end = System.nanoTime() + (long) (Double.parseDouble(args[2]) * 1e9);
        FrameWriter forger = new FrameWriter(UnpooledByteBufAllocator.DEFAULT,
                TransferKeys.forTransfer(TransferKeys.random(), TransferKeys.salt(), 0).sender(), 0, 0, 0);
        Random random = new Random();
        long sent = 0;
        try (MulticastSocket socket = new MulticastSocket()) {
            socket.setNetworkInterface(NetworkInterface.getByName("eth0"));
            socket.setTimeToLive(1);
            while (System.nanoTime() < end) {
                byte[] datagram;
                switch (random.nextInt(4)) {
                    case 0 -> {
                        ByteBuf b = forger.begin(PacketType.DATA, 0, 8 + 1400);
                        b.writeInt(random.nextInt(64)).writeShort(random.nextInt(749)).writeShort(1);
                        for (int i = 0; i < 1400; i++) {
                            b.writeByte(0xFF);
                        }
                        datagram = bytes(forger.finish(b));
                    }
                    case 1 -> {
                        ByteBuf b = forger.begin(PacketType.VERIFY, 0, 8);
                        b.writeInt(1).writeInt(0);
                        datagram = bytes(forger.finish(b));
                    }
                    case 2 -> {
                        byte[] text = "forged: go away".getBytes();
                        ByteBuf b = forger.begin(PacketType.DROP, 0, 8 + text.length);
                        b.writeInt(0).writeByte(3).writeByte(0).writeShort(text.length).writeBytes(text);
                        datagram = bytes(forger.finish(b));
                    }
                    default -> {
                        datagram = new byte[random.nextInt(1472)];
                        random.nextBytes(datagram);
                    }
                }
                socket.send(new DatagramPacket(datagram, datagram.length, group, port));
                sent++;
                if (sent % 20 == 0) {
                    Thread.sleep(1);
                }
            }
        }
        System.out.println("forged datagrams sent: " + sent);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
