package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds authenticated datagrams for one node of one transfer: header, body, tag. The body is
 * written by the caller between {@link #begin} and {@link #finish}.
 */
public final class FrameWriter {
    private final ByteBufAllocator allocator;
    private final PacketAuthenticator authenticator;
    private final int transferId;
    private final int nodeId;
    private int sequence;

    public FrameWriter(ByteBufAllocator allocator, PacketAuthenticator authenticator, int transferId, int nodeId) {
        this.allocator = allocator;
        this.authenticator = authenticator;
        this.transferId = transferId;
        this.nodeId = nodeId;
    }

    /** A buffer holding the header; the caller writes exactly {@code bodyLength} bytes next. */
    public ByteBuf begin(PacketType type, int flags, int bodyLength) {
        if (bodyLength < 0 || bodyLength > Header.MAX_BODY) {
            throw new IllegalArgumentException("body length " + bodyLength);
        }
        ByteBuf out = allocator.directBuffer(Header.LENGTH + bodyLength + Header.TAG_LENGTH);
        // The sequence counts DATA packets only, so a receiver can tell how many it missed.
        Header.write(out, type, flags, transferId, nodeId, type == PacketType.DATA ? sequence++ : sequence,
                bodyLength);
        return out;
    }

    /** Signs the datagram; it is ready to send. */
    public ByteBuf finish(ByteBuf out) {
        if (out.readableBytes() != Header.LENGTH + Header.bodyLength(out)) {
            throw new IllegalStateException("body written does not match the declared body length");
        }
        authenticator.sign(out);
        return out;
    }

    /** The sequence number the next DATA datagram will carry: the number of DATA sent so far. */
    public int nextSequence() {
        return sequence;
    }

    public int transferId() {
        return transferId;
    }

    public int nodeId() {
        return nodeId;
    }
}
