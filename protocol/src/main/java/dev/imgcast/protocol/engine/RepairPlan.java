package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.PacketBitmap;
import java.util.BitSet;

/**
 * The sender's repair bookkeeping, per packet group: how many repair symbols the next round sends
 * (the largest need any receiver reported: one new parity symbol fills a different hole at every
 * receiver, so the worst receiver decides, not the union of everyone's losses), how many parity
 * symbols each group has used, and what changed since the last PLAN datagram.
 *
 * <p>It also deals a block's symbols into send order ({@link #queue}): parity of a block is
 * interleaved over its groups, so a burst in the repair costs each group one symbol. When a group
 * has used all its parity symbols the missing packets themselves are sent again (from the union of
 * the NAK bitmaps), as the NAK-only rounds did.
 */
final class RepairPlan {
    /** Queue entries with this bit are parity: group << 8 | index; else a packet number. */
    static final int PARITY = 0x4000_0000;

    private final ImageLayout layout;
    private final PacketGroups groups;
    private final byte[] need;
    private final byte[] paritySent;
    private final BitSet changed = new BitSet();
    private final BitSet blocks = new BitSet();
    private int[] queue = new int[1024];

    RepairPlan(ImageLayout layout, PacketGroups groups) {
        this.layout = layout;
        this.groups = groups;
        this.need = new byte[groups.slots()];
        this.paritySent = new byte[groups.slots()];
    }

    /** A receiver needs {@code count} more symbols of the group: the plan keeps the largest need. */
    void merge(int block, int group, int count) {
        int slot = groups.slot(block, group);
        int capped = Math.min(255, count);
        if (capped > (need[slot] & 0xFF)) {
            need[slot] = (byte) capped;
            changed.set(slot);
            blocks.set(block);
        }
    }

    int need(int block, int group) {
        return need[groups.slot(block, group)] & 0xFF;
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Blocks with some need, from {@code from}; -1 when none is left. */
    int nextBlock(int from) {
        return blocks.nextSetBit(from);
    }

    /** The group slots changed since the last call, then forgotten. */
    BitSet takeChanged() {
        BitSet out = (BitSet) changed.clone();
        changed.clear();
        return out;
    }

    /** Forgets every need (a new round's collection starts). */
    void clear() {
        for (int block = blocks.nextSetBit(0); block >= 0; block = blocks.nextSetBit(block + 1)) {
            java.util.Arrays.fill(need, groups.slot(block, 0), groups.slot(block, 0) + groups.groupsPerBlock(), (byte) 0);
        }
        blocks.clear();
        changed.clear();
    }

    int paritySent(int block, int group) {
        return paritySent[groups.slot(block, group)] & 0xFF;
    }

    /**
     * Deals the symbols of one block for a round into {@link #queued}: for round 1 every packet and
     * then {@code proactive} parity symbols per group (a share of its sources, rounded up); for a
     * repair round each group's need as new parity symbols, or, past its last parity symbol, every
     * packet of the group some receiver marked missing in {@code union}. A group someone misses
     * whole is sent as it is (its packets serve every receiver, and nobody decodes). A {@code floor}
     * gives every group at least its symbols.
     *
     * @return the number of entries queued
     */
    int queue(int block, boolean firstPass, double proactive, PacketBitmap union, RepairFloor floor) {
        int length = 0;
        int count = groups.groups(block);
        int[] parity = new int[count];
        boolean[] fallback = new boolean[count];
        boolean[] whole = new boolean[count];
        if (firstPass) {
            int packets = layout.packetsInBlock(block);
            ensure(packets);
            for (int p = 0; p < packets; p++) {
                queue[length++] = p;
            }
            for (int g = 0; g < count && proactive > 0; g++) {
                parity[g] = Math.min(groups.maxParity(block, g), (int) Math.ceil(groups.sources(block, g) * proactive));
            }
        } else {
            for (int g = 0; g < count; g++) {
                int wanted = Math.max(need(block, g), floor.symbols(groups.sources(block, g)));
                if (wanted >= groups.sources(block, g)) {
                    // Someone misses the whole group: its packets serve every receiver, at no coding cost.
                    whole[g] = true;
                    continue;
                }
                int left = groups.maxParity(block, g) - paritySent(block, g);
                parity[g] = Math.min(wanted, left);
                fallback[g] = wanted > left;
            }
        }
        int most = 0;
        for (int g = 0; g < count; g++) {
            most = Math.max(most, parity[g]);
        }
        ensure(length + most * count);
        for (int s = 0; s < most; s++) {
            for (int g = 0; g < count; g++) {
                if (s < parity[g]) {
                    int slot = groups.slot(block, g);
                    int index = paritySent[slot] & 0xFF;
                    paritySent[slot] = (byte) (index + 1);
                    queue[length++] = PARITY | g << 8 | index;
                }
            }
        }
        for (int g = 0; g < count; g++) {
            if (!fallback[g] && !whole[g]) {
                continue;
            }
            for (int j = 0; j < groups.sources(block, g); j++) {
                int p = groups.packet(block, g, j);
                if (whole[g] || union.get(layout.packetIndex(block, p))) {
                    ensure(length + 1);
                    queue[length++] = p;
                }
            }
        }
        return length;
    }

    int[] queued() {
        return queue;
    }

    private void ensure(int size) {
        if (queue.length < size) {
            queue = java.util.Arrays.copyOf(queue, Math.max(size, queue.length * 2));
        }
    }
}
