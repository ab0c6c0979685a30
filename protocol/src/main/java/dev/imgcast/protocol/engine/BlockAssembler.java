package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.ImageTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Gathers the packets of the blocks in flight in a small window of block buffers and writes them
 * to the target in as few system calls as possible: a block that arrives whole is one write of
 * the whole block, one with gaps is one write per run of packets. One write per 1400-byte packet
 * costs some fifteen times the CPU, which a receiver sharing a machine cannot spare.
 *
 * <p>Memory: {@code slots} block buffers, allocated as needed.
 */
final class BlockAssembler {
    private final ImageTarget target;
    private final ImageLayout layout;
    private final int payload;
    private final ByteBuffer[] buffers;
    private final int[] blockOf;
    private final long[] usedAt;
    private final BitSet[] pending;
    private long clock;
    private long writes;

    BlockAssembler(ImageTarget target, ImageLayout layout, int slots) {
        this.target = target;
        this.layout = layout;
        this.payload = layout.payloadSize();
        this.buffers = new ByteBuffer[slots];
        this.blockOf = new int[slots];
        this.usedAt = new long[slots];
        this.pending = new BitSet[slots];
        java.util.Arrays.fill(blockOf, -1);
    }

    /** Keeps one packet's payload (the source's remaining bytes); may write an older block out. */
    void add(int block, int packet, ByteBuffer source) throws IOException {
        int slot = slotFor(block);
        ByteBuffer buffer = buffers[slot];
        buffer.put(packet * payload, source, source.position(), source.remaining());
        pending[slot].set(packet);
        usedAt[slot] = ++clock;
    }

    /**
     * When the window holds every packet of the block: its bytes (valid until the next add) and
     * the slot freed, nothing written. Else null.
     */
    ByteBuffer takeWhole(int block) {
        for (int slot = 0; slot < buffers.length; slot++) {
            if (blockOf[slot] == block) {
                if (pending[slot].cardinality() != layout.packetsInBlock(block)) {
                    return null;
                }
                pending[slot].clear();
                blockOf[slot] = -1;
                usedAt[slot] = 0;
                return buffers[slot].duplicate().position(0).limit(layout.storedLength(block));
            }
        }
        return null;
    }

    /** Writes out whatever is held of the block (call when it completes). */
    void flush(int block) throws IOException {
        for (int slot = 0; slot < buffers.length; slot++) {
            if (blockOf[slot] == block) {
                writeOut(slot);
                return;
            }
        }
    }

    /** Writes out everything held. */
    void flushAll() throws IOException {
        for (int slot = 0; slot < buffers.length; slot++) {
            if (blockOf[slot] >= 0) {
                writeOut(slot);
            }
        }
    }

    long writes() {
        return writes;
    }

    private int slotFor(int block) throws IOException {
        int free = -1;
        int oldest = 0;
        for (int slot = 0; slot < buffers.length; slot++) {
            if (blockOf[slot] == block) {
                return slot;
            }
            if (blockOf[slot] < 0 && free < 0) {
                free = slot;
            }
            if (usedAt[slot] < usedAt[oldest]) {
                oldest = slot;
            }
        }
        if (free < 0) {
            writeOut(oldest);
            free = oldest;
        }
        if (buffers[free] == null) {
            buffers[free] = ByteBuffer.allocateDirect(layout.blockSize());
            pending[free] = new BitSet(layout.packetsPerBlock());
        }
        blockOf[free] = block;
        return free;
    }

    private void writeOut(int slot) throws IOException {
        int block = blockOf[slot];
        BitSet held = pending[slot];
        int packets = layout.packetsInBlock(block);
        int blockLength = layout.storedLength(block); // a compressed block's packets wait at its offset
        for (int first = held.nextSetBit(0); first >= 0 && first < packets; ) {
            int end = held.nextClearBit(first);
            int from = first * payload;
            int to = Math.min(end * payload, blockLength);
            target.write(buffers[slot].duplicate().limit(to).position(from), layout.blockOffset(block) + from);
            writes++;
            first = held.nextSetBit(end);
        }
        held.clear();
        blockOf[slot] = -1;
        usedAt[slot] = 0;
    }
}
