package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A receiver's target for runs with hundreds of receivers, which cannot each hold a copy of the
 * image: it knows the expected image (one array shared by all receivers) and keeps only
 * <ul>
 * <li>the ranges written so far, as merged intervals, and</li>
 * <li>the bytes of every write that differ from the image (from its first to its last differing
 *     byte), until a later write over the same range replaces them.</li>
 * </ul>
 * A read gives back what a disk would: zeros where nothing was written (a fresh sparse file), the
 * image's bytes where what was written matched it, and the bytes actually written where they
 * differed. So the receiver's own CRC32C and SHA-256 over what it reads back stay real checks. A
 * compressed block's stored form, written at the block's offset before its inflated form
 * overwrites it, is a legitimate difference that is read back as written and then cleared by the
 * overwrite; a range that still differs at the end is corrupt ({@link #differingBytes()}).
 *
 * <p>Memory: two small maps, plus the differing bytes (none for a correct raw transfer).
 */
final class ScaleTarget implements ImageTarget {
    private static final byte[] ZEROS = new byte[64 << 10];

    private final byte[] expected;
    /** start → end (exclusive) of the written ranges; never two that touch or overlap. */
    private final TreeMap<Long, Long> written = new TreeMap<>();
    /** start → the bytes written there that differ from the image; never two that overlap. */
    private final TreeMap<Long, byte[]> differing = new TreeMap<>();
    private long mismatchedWrites;
    private long writes;

    ScaleTarget(byte[] expected) {
        this.expected = expected;
    }

    @Override
    public String check(long imageSize, long bytesToWrite) {
        return imageSize > expected.length ? "scale target holds " + expected.length + " bytes, the image needs " + imageSize
                : null;
    }

    @Override
    public void prepare(long imageSize) {
        written.clear();
        differing.clear();
    }

    @Override
    public boolean unwrittenReadsZero() {
        return true;
    }

    @Override
    public void write(ByteBuffer source, long offset) throws IOException {
        int length = source.remaining();
        inRange(offset, length);
        writes++;
        int from = (int) offset;
        clearDiffering(offset, offset + length);
        int first = source.mismatch(ByteBuffer.wrap(expected, from, length));
        if (first >= 0) {
            mismatchedWrites++;
            int last = length - 1;
            int base = source.position();
            while (source.get(base + last) == expected[from + last]) {
                last--;
            }
            byte[] bytes = new byte[last - first + 1];
            source.get(base + first, bytes);
            differing.put(offset + first, bytes);
        }
        source.position(source.limit());
        addWritten(offset, offset + length);
    }

    @Override
    public void read(ByteBuffer into, long offset) throws IOException {
        int length = into.remaining();
        inRange(offset, length);
        int start = into.position();
        long end = offset + length;
        long at = offset;
        while (at < end) {
            Map.Entry<Long, Long> range = written.floorEntry(at);
            if (range != null && range.getValue() > at) {
                long to = Math.min(end, range.getValue());
                into.put(expected, (int) at, (int) (to - at));
                at = to;
            } else {
                Long next = written.higherKey(at);
                long to = next == null ? end : Math.min(end, next);
                for (long z = at; z < to; z += ZEROS.length) {
                    into.put(ZEROS, 0, (int) Math.min(ZEROS.length, to - z));
                }
                at = to;
            }
        }
        Long first = differing.floorKey(offset);
        for (Map.Entry<Long, byte[]> d : differing.subMap(first != null ? first : offset, true, end, false).entrySet()) {
            long from = Math.max(offset, d.getKey());
            long to = Math.min(end, d.getKey() + d.getValue().length);
            if (from < to) {
                into.put(start + (int) (from - offset), d.getValue(), (int) (from - d.getKey()), (int) (to - from));
            }
        }
    }

    @Override
    public void force() {
    }

    @Override
    public void close() {
    }

    @Override
    public String describe() {
        return "scale target";
    }

    /** Bytes whose last write differed from the image: 0 for a correct copy. */
    long differingBytes() {
        long total = 0;
        for (byte[] d : differing.values()) {
            total += d.length;
        }
        return total;
    }

    /** Bytes written at least once (the union of the written ranges). */
    long writtenBytes() {
        long total = 0;
        for (Map.Entry<Long, Long> range : written.entrySet()) {
            total += range.getValue() - range.getKey();
        }
        return total;
    }

    /** Writes that differed from the image when they were made (also those overwritten since). */
    long mismatchedWrites() {
        return mismatchedWrites;
    }

    long writes() {
        return writes;
    }

    /** Holds exactly the image: everything written, nothing differing (for an image without zero blocks). */
    boolean holdsImage() {
        return differing.isEmpty() && writtenBytes() == expected.length;
    }

    private void inRange(long offset, int length) throws IOException {
        if (offset < 0 || offset + length > expected.length) {
            throw new IOException("access at " + offset + "+" + length + " outside the " + expected.length + "-byte target");
        }
    }

    private void addWritten(long from, long to) {
        Map.Entry<Long, Long> before = written.floorEntry(from);
        if (before != null && before.getValue() >= from) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
        }
        for (Map.Entry<Long, Long> next = written.ceilingEntry(from); next != null && next.getKey() <= to;
                next = written.ceilingEntry(from)) {
            to = Math.max(to, next.getValue());
            written.remove(next.getKey());
        }
        written.put(from, to);
    }

    /** Forgets differing bytes in [from, to), keeping the parts of an entry outside it. */
    private void clearDiffering(long from, long to) {
        Long first = differing.floorKey(from);
        for (Long key : differing.subMap(first != null ? first : from, true, to, false).keySet().toArray(Long[]::new)) {
            byte[] bytes = differing.get(key);
            long end = key + bytes.length;
            if (end <= from) {
                continue;
            }
            differing.remove(key);
            if (key < from) {
                differing.put(key, Arrays.copyOfRange(bytes, 0, (int) (from - key)));
            }
            if (end > to) {
                differing.put(to, Arrays.copyOfRange(bytes, (int) (to - key), bytes.length));
            }
        }
    }
}
