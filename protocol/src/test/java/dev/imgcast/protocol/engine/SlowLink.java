package dev.imgcast.protocol.engine;

/**
 * A receiver's link of lower capacity than the sender's rate: a token bucket of {@code capacity}
 * bits per second whose depth is a small switch-port queue ({@link #QUEUE} full-size datagrams).
 * A datagram that finds too few tokens is dropped, as the full queue of a real port drops it: a
 * slow receiver sees congestion loss, not delay (datagrams that pass are not held back; a real
 * queue would add up to {@code QUEUE} datagram times of delay, about 3 ms at 250 Mbit/s).
 */
final class SlowLink {
    /** Ethernet header and FCS, IPv4 and UDP headers: what a datagram costs on the wire beyond itself. */
    static final int WIRE_OVERHEAD = 18 + 20 + 8;
    /** Datagrams the port can queue. */
    static final int QUEUE = 64;
    /** A full-size DATA datagram on the wire: 1400 payload, 8 DATA fields, 32 header, 16 tag, then the wire overhead. */
    static final int FULL_DATAGRAM = 1400 + 8 + 32 + 16 + WIRE_OVERHEAD;

    private final long capacity;
    private final double depth;
    private double tokens;
    private long last = Long.MIN_VALUE;
    private long dropped;

    SlowLink(long capacityBitsPerSecond) {
        this(capacityBitsPerSecond, 1);
    }

    /** @param fill how full the bucket starts, 0..1 */
    SlowLink(long capacityBitsPerSecond, double fill) {
        if (capacityBitsPerSecond <= 0 || fill < 0 || fill > 1) {
            throw new IllegalArgumentException("capacity " + capacityBitsPerSecond + ", fill " + fill);
        }
        this.capacity = capacityBitsPerSecond;
        this.depth = (double) QUEUE * FULL_DATAGRAM;
        this.tokens = depth * fill;
    }

    /** True when a datagram of {@code bytes} (its own length; the wire overhead is added here) arriving at {@code now} is dropped. */
    boolean drop(int bytes, long now) {
        if (last != Long.MIN_VALUE) {
            tokens = Math.min(depth, tokens + (now - last) * (capacity / 8e9));
        }
        last = now;
        double wire = bytes + WIRE_OVERHEAD;
        if (tokens < wire) {
            dropped++;
            return true;
        }
        tokens -= wire;
        return false;
    }

    long capacityBitsPerSecond() {
        return capacity;
    }

    long dropped() {
        return dropped;
    }
}
