package dev.imgcast.protocol.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Turns the textual source of a datagram into a socket address, without any name lookup. */
final class Peer {
    private Peer() {
    }

    static InetSocketAddress of(String ip, int port) {
        try {
            // A literal address is parsed, never resolved.
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ip, e);
        }
    }
}
