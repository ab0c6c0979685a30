package dev.imgcast.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * PLAN body, sender → group, while it collects round reports: how many repair symbols it will
 * send next round for some packet groups (what receivers asked for so far, the largest need per
 * group). A receiver whose needs are all covered keeps its report to itself; so the reports a
 * sender must read per round do not grow with the number of receivers. Entries are changes since
 * the previous PLAN: one that is lost only costs a report that was not needed.
 *
 * <pre>
 *  0 round u32
 *  4 entries, each: block u32 | first group u8 | count u8 | count × repair symbols u8
 * </pre>
 */
public final class Plan {
    public static final int ROUND_OFFSET = 0;
    public static final int FIXED_LENGTH = 4;
    public static final int ENTRY_FIXED_LENGTH = 6;

    private Plan() {
    }

    public static void writeFixed(ByteBuf out, int round) {
        out.writeInt(round);
    }

    public static void writeEntry(ByteBuf out, int block, int firstGroup, byte[] counts, int from, int count) {
        out.writeInt(block);
        out.writeByte(firstGroup);
        out.writeByte(count);
        out.writeBytes(counts, from, count);
    }

    public static int round(ByteBuf in) {
        return in.getInt(Header.body(in) + ROUND_OFFSET);
    }

    public static int firstEntry(ByteBuf in) {
        return Header.body(in) + FIXED_LENGTH;
    }

    public static int end(ByteBuf in) {
        return Header.body(in) + Header.bodyLength(in);
    }

    public static int entryBlock(ByteBuf in, int entry) {
        return in.getInt(entry);
    }

    public static int entryFirstGroup(ByteBuf in, int entry) {
        return in.getUnsignedByte(entry + 4);
    }

    public static int entryCount(ByteBuf in, int entry) {
        return in.getUnsignedByte(entry + 5);
    }

    /** Repair symbols planned for group {@code first + i} of the entry's block. */
    public static int entrySymbols(ByteBuf in, int entry, int i) {
        return in.getUnsignedByte(entry + ENTRY_FIXED_LENGTH + i);
    }

    public static int nextEntry(ByteBuf in, int entry) {
        return entry + ENTRY_FIXED_LENGTH + entryCount(in, entry);
    }

    /** Every entry lies inside the body and the entries fill it exactly. */
    static boolean tailValid(ByteBuf in) {
        int end = end(in);
        int entry = firstEntry(in);
        while (entry < end) {
            if (entry + ENTRY_FIXED_LENGTH > end) {
                return false;
            }
            entry = nextEntry(in, entry);
        }
        return entry == end;
    }
}
