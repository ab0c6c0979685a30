package dev.imgcast.sender.service;

import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.TransferDefaults;

/** Where a run is sent: the sockets for a session's group and port. */
@FunctionalInterface
public interface Network {

    /** Refuses (IllegalArgumentException saying what is wrong) what cannot be sent on. */
    NetworkChoice choose(String group, int port);

    /** Multicast on the named interface of the imaging network. */
    static Network onInterface(String interfaceName) {
        return (group, port) -> NetworkChoice.of(interfaceName, NetworkSettings.parseGroup(group), port,
                TransferDefaults.TTL);
    }
}
