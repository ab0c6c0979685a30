package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds encrypted datagrams for one node of one transfer: header, body, tag. The body is
 * written by the caller between {@link #begin} and {@link #finish}. Every datagram gets the next
 * packet number, so a nonce is never used twice with this writer's key.
 */
public final class FrameWriter {
    private final ByteBufAllocator allocator;
    private final PacketCipher cipher;
    private final int transferId;
    private final int nodeId;
    private long packetNumber;
    private int sequence;

    /**
     * @param firstPacketNumber the first packet number (a receiver starts at a random one, see
     *                          protocol/README.md on nonces)
     */
    public FrameWriter(ByteBufAllocator allocator, PacketCipher cipher, int transferId, int nodeId,
            long firstPacketNumber) {
        if (firstPacketNumber < 0) {
            throw new IllegalArgumentException("packet numbers are not negative");
        }
        this.allocator = allocator;
        this.cipher = cipher;
        this.transferId = transferId;
        this.nodeId = nodeId;
        this.packetNumber = firstPacketNumber;
    }

    /** A buffer holding the header; the caller writes exactly {@code bodyLength} bytes next. */
    public ByteBuf begin(PacketType type, int flags, int bodyLength) {
        if (bodyLength < 0 || bodyLength > Header.MAX_BODY) {
            throw new IllegalArgumentException("body length " + bodyLength);
        }
        if (packetNumber == Long.MAX_VALUE) {
            throw new IllegalStateException("packet numbers exhausted");
        }
        ByteBuf out = allocator.directBuffer(Header.LENGTH + bodyLength + Header.TAG_LENGTH);
        // The sequence counts DATA packets only, so a receiver can tell how many it missed.
        Header.write(out, type, flags, transferId, nodeId, packetNumber++,
                type == PacketType.DATA ? sequence++ : sequence, bodyLength);
        return out;
    }

    /** Encrypts the datagram; it is ready to send. */
    public ByteBuf finish(ByteBuf out) {
        if (out.readableBytes() != Header.LENGTH + Header.bodyLength(out)) {
            throw new IllegalStateException("body written does not match the declared body length");
        }
        cipher.seal(out, PacketType.of(Header.type(out)).clearPrefix());
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
