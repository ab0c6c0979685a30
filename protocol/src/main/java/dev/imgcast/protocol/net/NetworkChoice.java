package dev.imgcast.protocol.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The interface a transfer runs on, checked: it exists, is up, does multicast and has an IPv4
 * address. Every socket of a transfer names it; nothing is sent on a default route.
 */
public record NetworkChoice(String interfaceName, InetAddress address, InetAddress group, int port, int ttl) {

    /** Resolves and checks an interface by name; the message says what is wrong and what exists. */
    public static NetworkChoice of(String interfaceName, InetAddress group, int port, int ttl) {
        if (!group.isMulticastAddress() || !(group instanceof Inet4Address)) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not an IPv4 multicast address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL must be 1..255, not " + ttl);
        }
        NetworkInterface iface;
        try {
            iface = NetworkInterface.getByName(interfaceName);
            if (iface == null) {
                throw new IllegalArgumentException("no network interface '" + interfaceName + "' (there are: "
                        + String.join(", ", names()) + ")");
            }
            if (!iface.isUp()) {
                throw new IllegalArgumentException("interface " + interfaceName + " is down");
            }
            if (!iface.supportsMulticast()) {
                throw new IllegalArgumentException("interface " + interfaceName
                        + " does not do multicast (ip link set " + interfaceName + " multicast on)");
            }
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot inspect interface " + interfaceName + ": " + e.getMessage());
        }
        for (InterfaceAddress a : iface.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address) {
                return new NetworkChoice(interfaceName, a.getAddress(), group, port, ttl);
            }
        }
        throw new IllegalArgumentException("interface " + interfaceName + " has no IPv4 address");
    }

    private static List<String> names() throws SocketException {
        List<String> names = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            names.add(i.getName());
        }
        return names;
    }
}
