package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.fec.ParityCode;
import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.ImageTarget;
import dev.imgcast.protocol.image.PacketBitmap;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The receiver's side of parity repair: keeps the parity symbols of groups it cannot rebuild yet
 * ({@link ParityStore}) and, once it holds as many symbols of a group as the group misses,
 * rebuilds the missing packets. The packets it holds are read back (the block's stored bytes: what
 * the assembly window holds is written out first, then the block is read from the target into a
 * copy kept while no new packet of that block arrives), their share is taken out of each symbol,
 * and the small system left is solved ({@link ParityCode}). The rebuilt packets go where received
 * ones go; a wrong symbol gives wrong packets, which the block's CRC32C then rejects.
 */
final class GroupRebuilder {
    /** Where rebuilt packets go; false stops the rebuilding (the receiver failed). */
    interface Packets {
        boolean accept(int block, int packet, ByteBuffer payload);
    }

    private final ImageLayout layout;
    private final PacketGroups groups;
    private final PacketBitmap have;
    private final BlockAssembler assembler;
    private final ImageTarget target;
    private final ParityStore store = new ParityStore();
    private ByteBuffer copy;
    private int copyBlock = -1;
    private long rebuilt;

    GroupRebuilder(ImageLayout layout, PacketGroups groups, PacketBitmap have, BlockAssembler assembler,
            ImageTarget target) {
        this.layout = layout;
        this.groups = groups;
        this.have = have;
        this.assembler = assembler;
        this.target = target;
    }

    /** Packets of the group not held. */
    int missing(int block, int group) {
        int missing = 0;
        long base = layout.packetIndex(block, 0);
        for (int j = 0; j < groups.sources(block, group); j++) {
            if (!have.get(base + groups.packet(block, group, j))) {
                missing++;
            }
        }
        return missing;
    }

    /** Parity symbols held for the group. */
    int held(int block, int group) {
        return store.count(groups.slot(block, group));
    }

    /** Keeps a symbol of a group that misses packets; false if it is held already or memory is full. */
    boolean keep(int block, int group, int index, ByteBuf from, int offset, int length) {
        return store.add(groups.slot(block, group), index, from, offset, length);
    }

    /** A packet of the block arrived: the copy kept for rebuilding lacks it. */
    void packetArrived(int block) {
        if (block == copyBlock) {
            copyBlock = -1;
        }
    }

    /** The block is complete or must come again: its symbols are no use (a wrong one may be why it failed). */
    void forget(int block) {
        packetArrived(block);
        if (store.isEmpty()) {
            return;
        }
        for (int g = 0; g < groups.groups(block); g++) {
            store.remove(groups.slot(block, g));
        }
    }

    /** Rebuilds the group if it holds enough symbols (and forgets them if the group came whole). */
    void rebuildIfReady(int block, int group, Packets to) throws IOException {
        if (store.isEmpty()) {
            return; // the common case, on every DATA packet: no symbol waits anywhere
        }
        int slot = groups.slot(block, group);
        if (store.count(slot) == 0) {
            return;
        }
        int sources = groups.sources(block, group);
        int[] missing = new int[sources];
        int e = 0;
        long base = layout.packetIndex(block, 0);
        for (int j = 0; j < sources; j++) {
            if (!have.get(base + groups.packet(block, group, j))) {
                missing[e++] = j;
            }
        }
        if (e == 0) {
            store.remove(slot);
            return;
        }
        ParityStore.Held held = store.get(slot);
        if (held.count < e) {
            return;
        }
        int[] indices = Arrays.copyOf(held.indices, e);
        byte[][] residuals = Arrays.copyOf(held.symbols, e);
        store.remove(slot);
        load(block);
        int payload = layout.payloadSize();
        for (int j = 0, m = 0; j < sources; j++) {
            if (m < e && missing[m] == j) {
                m++;
                continue;
            }
            int packet = groups.packet(block, group, j);
            for (int t = 0; t < e; t++) {
                ParityCode.mulAdd(ParityCode.coefficient(sources, indices[t], j), copy, packet * payload, residuals[t], 0,
                        layout.packetLength(block, packet));
            }
        }
        ParityCode.solve(sources, Arrays.copyOf(missing, e), indices, residuals, groups.symbolLength(block, group));
        for (int t = 0; t < e; t++) {
            int packet = groups.packet(block, group, missing[t]);
            rebuilt++;
            if (!to.accept(block, packet, ByteBuffer.wrap(residuals[t], 0, layout.packetLength(block, packet)))) {
                return;
            }
        }
    }

    /** Packets rebuilt so far. */
    long rebuilt() {
        return rebuilt;
    }

    private void load(int block) throws IOException {
        if (copyBlock == block) {
            return;
        }
        if (copy == null) {
            copy = ByteBuffer.allocateDirect(layout.blockSize());
        }
        assembler.flush(block);
        copy.clear().limit(layout.storedLength(block));
        target.read(copy, layout.blockOffset(block));
        copy.clear();
        copyBlock = block;
    }
}
