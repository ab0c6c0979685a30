package dev.imgcast.protocol.image;

/**
 * A fixed-size set of packet indexes (one bit each) with a running count. 1/11,200 of the image
 * size at 1400-byte payloads: 384 KiB for a 4 GiB image.
 */
public final class PacketBitmap {
    private final long[] words;
    private final long size;
    private long count;

    public PacketBitmap(long size) {
        if (size < 0 || (size + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bitmap size " + size);
        }
        this.size = size;
        this.words = new long[(int) ((size + 63) / 64)];
    }

    public long size() {
        return size;
    }

    /** Number of set bits. */
    public long count() {
        return count;
    }

    public boolean get(long index) {
        return (words[(int) (index >>> 6)] & (1L << index)) != 0;
    }

    /** Sets the bit; true when it was clear. */
    public boolean set(long index) {
        int w = (int) (index >>> 6);
        long bit = 1L << index;
        if ((words[w] & bit) != 0) {
            return false;
        }
        words[w] |= bit;
        count++;
        return true;
    }

    /** Clears the bit; true when it was set. */
    public boolean clear(long index) {
        int w = (int) (index >>> 6);
        long bit = 1L << index;
        if ((words[w] & bit) == 0) {
            return false;
        }
        words[w] &= ~bit;
        count--;
        return true;
    }

    public void clearAll() {
        java.util.Arrays.fill(words, 0L);
        count = 0;
    }

    /** The first set index at or after {@code from}, or -1. */
    public long nextSet(long from) {
        if (from >= size) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                long index = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return index < size ? index : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** Number of set bits in [from, to). */
    public int countRange(long from, long to) {
        int n = 0;
        for (long i = nextSet(from); i >= 0 && i < to; i = nextSet(i + 1)) {
            n++;
        }
        return n;
    }
}
