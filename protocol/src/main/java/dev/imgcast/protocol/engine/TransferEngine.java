package dev.imgcast.protocol.engine;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** What the socket layer drives: a sender or a receiver state machine. */
public interface TransferEngine {
    /** Tells the engine the address and port of the socket it sends from; called once, before the first poll. */
    void bind(InetSocketAddress self);

    /**
     * One received datagram; the engine does not keep {@code in}.
     *
     * @return true when the engine has something to send right away (call {@link #poll} soon)
     */
    boolean onDatagram(ByteBuf in, InetSocketAddress from, long now);

    /** Work due at {@code now}; returns when to poll next at the latest. */
    long poll(long now, Outbox out);

    /** True once the engine has nothing more to do. */
    boolean finished();
}
