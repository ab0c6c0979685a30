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
 * <p>It also deals the symbols of a round into send order ({@link #queue}): repair parity is
 * interleaved over the groups of several blocks, so a burst in the repair costs each group a symbol
 * or two. When a group
 * has used all its parity symbols the missing packets themselves are sent again (from the union of
 * the NAK bitmaps), as the NAK-only rounds did.
 */
final class RepairPlan {
    /** Queue entries with this bit are parity: group << 8 | index; else a packet number. */
    static final int PARITY = 0x4000_0000;
    private static final byte NONE = 0;
    private static final byte MARKED = 1;
    private static final byte WHOLE = 2;

    private final ImageLayout layout;
    private final PacketGroups groups;
    private final byte[] need;
    private final byte[] paritySent;
    private final BitSet changed = new BitSet();
    private final BitSet blocks = new BitSet();
    private int[] queue = new int[1024];
    private int[] queueBlocks = new int[1024];

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
     * Deals the symbols of some blocks for a round into {@link #queued} (entries) and
     * {@link #queuedBlocks} (their blocks). Round 1 ({@code firstPass}, one block): every packet,
     * then {@code proactive} parity symbols per group (a share of its sources, rounded up). A
     * repair round: each group's need as new parity symbols, dealt across all the groups of all the
     * blocks given, so that a burst lost during the repair costs each group a symbol or two, not a
     * group all it needed; past a group's last parity symbol, every packet of the group some
     * receiver marked missing in {@code union}. A group someone misses whole is sent as it is (its
     * packets serve every receiver, and nobody decodes). A {@code floor} gives every group at least
     * its symbols. A {@code margin} (0 or 1) adds that many symbols and a quarter of the need
     * (large groups).
     *
     * @return the number of entries queued
     */
    int queue(int[] window, int blockCount, boolean firstPass, double proactive, PacketBitmap union,
            RepairFloor floor, int margin) {
        int length = 0;
        int most = 0;
        int per = groups.groupsPerBlock();
        int[] parity = new int[blockCount * per];
        // Per group: NONE (parity only), MARKED (resend what receivers marked) or WHOLE (resend it all).
        byte[] resend = new byte[blockCount * per];
        for (int w = 0; w < blockCount; w++) {
            int block = window[w];
            int count = groups.groups(block);
            if (firstPass) {
                int packets = layout.packetsInBlock(block);
                ensure(length + packets);
                for (int p = 0; p < packets; p++) {
                    queueBlocks[length] = block;
                    queue[length++] = p;
                }
            }
            for (int g = 0; g < count; g++) {
                int k = groups.sources(block, g);
                int wanted;
                if (firstPass) {
                    wanted = proactive > 0 ? Math.min(groups.maxParity(block, g), (int) Math.ceil(k * proactive)) : 0;
                } else {
                    int asked = need(block, g);
                    // A margin on what was asked: in a large group some receiver loses some of the
                    // repair too, and a round more costs every receiver a report window.
                    wanted = Math.max(asked == 0 ? 0 : asked + margin + asked * margin / 4, floor.symbols(k));
                    // Someone misses the whole group, or it used its last parity symbol: send packets.
                    if (wanted >= k || wanted > groups.maxParity(block, g) - paritySent(block, g)) {
                        resend[w * per + g] = Math.max(asked, floor.symbols(k)) >= k ? WHOLE : MARKED;
                        wanted = 0;
                    }
                }
                parity[w * per + g] = wanted;
                most = Math.max(most, wanted);
            }
        }
        for (int s = 0; s < most; s++) {
            for (int w = 0; w < blockCount; w++) {
                int block = window[w];
                for (int g = 0; g < groups.groups(block); g++) {
                    if (s < parity[w * per + g]) {
                        int slot = groups.slot(block, g);
                        int index = paritySent[slot] & 0xFF;
                        paritySent[slot] = (byte) (index + 1);
                        ensure(length + 1);
                        queueBlocks[length] = block;
                        queue[length++] = PARITY | g << 8 | index;
                    }
                }
            }
        }
        for (int w = 0; w < blockCount; w++) {
            int block = window[w];
            for (int g = 0; g < groups.groups(block); g++) {
                if (resend[w * per + g] == NONE) {
                    continue;
                }
                boolean whole = resend[w * per + g] == WHOLE;
                for (int j = 0; j < groups.sources(block, g); j++) {
                    int p = groups.packet(block, g, j);
                    if (whole || union.get(layout.packetIndex(block, p))) {
                        ensure(length + 1);
                        queueBlocks[length] = block;
                        queue[length++] = p;
                    }
                }
            }
        }
        return length;
    }

    int[] queuedBlocks() {
        return queueBlocks;
    }

    int[] queued() {
        return queue;
    }

    private void ensure(int size) {
        if (queue.length < size) {
            queue = java.util.Arrays.copyOf(queue, Math.max(size, queue.length * 2));
            queueBlocks = java.util.Arrays.copyOf(queueBlocks, queue.length);
        }
    }
}
