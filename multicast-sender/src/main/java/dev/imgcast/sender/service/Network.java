package dev.imgcast.sender.service;

import dev.imgcast.protocol.net.NetworkChoice;
import java.net.InetAddress;

/** Where a run is sent: the socket setup for a session's group and port. */
@FunctionalInterface
public interface Network {

    /** Refuses (IllegalArgumentException) what cannot be sent on. */
    NetworkChoice choose(InetAddress group, int port);

    /** Multicast on the named interface of the imaging network. */
    static Network onInterface(String interfaceName) {
        return (group, port) -> NetworkChoice.of(interfaceName, group, port, 1);
    }
}
