package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** An IPv4 address and UDP port inside a body: 4 bytes of address, 2 of port. */
public final class Endpoint {
    public static final int LENGTH = 6;

    private Endpoint() {
    }

    public static void write(ByteBuf out, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (!(ip instanceof Inet4Address)) {
            throw new IllegalArgumentException("imgcast runs on IPv4; not " + address);
        }
        out.writeBytes(ip.getAddress());
        out.writeShort(address.getPort());
    }

    public static InetSocketAddress read(ByteBuf in, int index) {
        byte[] ip = new byte[4];
        in.getBytes(index, ip);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), in.getUnsignedShort(index + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** True when {@code from} is the endpoint written at {@code index}: same address, same port. */
    public static boolean matches(ByteBuf in, int index, InetSocketAddress from) {
        InetAddress ip = from.getAddress();
        if (!(ip instanceof Inet4Address)) {
            return false;
        }
        byte[] b = ip.getAddress();
        for (int i = 0; i < 4; i++) {
            if (in.getByte(index + i) != b[i]) {
                return false;
            }
        }
        return in.getUnsignedShort(index + 4) == from.getPort();
    }
}
