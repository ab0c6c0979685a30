package dev.imgcast.protocol.engine;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where an engine puts the datagrams it wants sent. The engine hands over ownership of each
 * buffer. The socket layer implements it; tests may implement it with an in-memory network.
 */
public interface Outbox {
    /** Sends to the transfer's multicast group. */
    void multicast(ByteBuf datagram);

    /** Sends to one peer. */
    void unicast(ByteBuf datagram, InetSocketAddress to);

    /** False while the socket's queue is full: the engine stops sending data until the next poll. */
    boolean canSend();
}
