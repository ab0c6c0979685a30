package dev.imgcast.protocol.wire;

/**
 * Remembers which packet numbers of one peer were seen, so a datagram sent again (by an attacker
 * replaying a capture, or by the network) is rejected: a sliding window of {@link #SIZE} numbers
 * below the highest seen, as IPsec and DTLS keep. A number older than the window is rejected too;
 * on a LAN nothing is reordered by thousands of datagrams.
 */
public final class ReplayWindow {
    public static final int SIZE = 8192;
    private final long[] bits = new long[SIZE / 64];
    private long highest = -1;

    /** True, and remembered, when {@code number} was not seen and is not older than the window. */
    public boolean accept(long number) {
        if (number < 0) {
            return false;
        }
        if (number > highest) {
            long shift = number - highest;
            if (shift >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long n = highest + 1; n < number; n++) {
                    clear(n);
                }
            }
            highest = number;
            set(number);
            return true;
        }
        if (highest - number >= SIZE || get(number)) {
            return false;
        }
        set(number);
        return true;
    }

    private boolean get(long n) {
        int i = (int) (n & (SIZE - 1));
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long n) {
        int i = (int) (n & (SIZE - 1));
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long n) {
        int i = (int) (n & (SIZE - 1));
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
