package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageLayout;

/**
 * How the packets of a block are dealt into parity groups: a block of n packets has
 * {@code ceil(n / SOURCES)} groups (at most 255), and packet p is source {@code p / groups} of group
 * {@code p % groups}. Dealing them in turn, rather than cutting the block into runs, means a burst
 * of lost packets costs each group only a share of it, so a few parity symbols per group repair it.
 * A group of k sources has 255 - k distinct parity symbols (Reed–Solomon over GF(256)); each is as
 * long as the group's first packet (the only shorter packet is a block's last one).
 *
 * <p>Every group of the image has a slot number, {@code block * groupsPerBlock() + group}, for the
 * per-group tables of sender and receiver.
 */
final class PacketGroups {
    /**
     * Sources per group aimed at: large groups need fewer spare parity symbols (the worst receiver
     * strays less from the mean), and 255 - 192 still leaves 63 parity symbols per group.
     */
    static final int SOURCES = 192;
    static final int MAX_GROUPS = 255;

    private final ImageLayout layout;
    private final int groupsPerBlock;

    PacketGroups(ImageLayout layout) {
        this.layout = layout;
        this.groupsPerBlock = groupsFor(layout.packetsPerBlock());
        if ((long) layout.blockCount() * groupsPerBlock > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many packet groups for one transfer");
        }
    }

    static int groupsFor(int packets) {
        return Math.max(1, Math.min(MAX_GROUPS, (packets + SOURCES - 1) / SOURCES));
    }

    int groupsPerBlock() {
        return groupsPerBlock;
    }

    int slots() {
        return layout.blockCount() * groupsPerBlock;
    }

    int slot(int block, int group) {
        return block * groupsPerBlock + group;
    }

    int groups(int block) {
        return groupsFor(layout.packetsInBlock(block));
    }

    int sources(int block, int group) {
        int groups = groups(block);
        return (layout.packetsInBlock(block) - group + groups - 1) / groups;
    }

    int packet(int block, int group, int source) {
        return group + source * groups(block);
    }

    int groupOf(int block, int packet) {
        return packet % groups(block);
    }

    int symbolLength(int block, int group) {
        return layout.packetLength(block, group);
    }

    /** Distinct parity symbols of the group (0 when its sources fill the code). */
    int maxParity(int block, int group) {
        return Math.max(0, 255 - sources(block, group));
    }
}
