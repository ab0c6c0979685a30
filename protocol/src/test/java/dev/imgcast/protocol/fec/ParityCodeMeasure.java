package dev.imgcast.protocol.fec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * A measurement, not a test (nothing asserts a time): prints the throughput of the parity code
 * for a group of 125 sources of 1400 bytes. Encoding one parity symbol from byte arrays and from
 * direct buffers (MB of source read per second), and repairing 5 and 60 missing sources (MB of
 * repaired source per second, and the group's 175 KB per second), each after a warm-up, best of
 * several rounds. Run with the test classpath: {@code java -cp ... dev.imgcast.protocol.fec.ParityCodeMeasure}.
 */
public final class ParityCodeMeasure {
    private static final int K = 125;
    private static final int LENGTH = 1400;
    private static final long ROUND_NANOS = 500_000_000L;
    private static final int ROUNDS = 8;
    private static long sink;

    private ParityCodeMeasure() {
    }

    public static void main(String[] args) {
        Random random = new Random(1);
        byte[][] sources = new byte[K][LENGTH];
        ByteBuffer[] direct = new ByteBuffer[K];
        for (int j = 0; j < K; j++) {
            random.nextBytes(sources[j]);
            direct[j] = ByteBuffer.allocateDirect(LENGTH).put(sources[j]).clear();
        }
        byte[][] parity = new byte[ParityCode.maxParity(K)][LENGTH];
        for (int i = 0; i < parity.length; i++) {
            ParityCode.encode(K, sources, i, parity[i], LENGTH);
        }
        int[] coefficients = new int[K];
        for (int j = 0; j < K; j++) {
            coefficients[j] = ParityCode.coefficient(K, 7, j);
        }
        byte[] out = new byte[LENGTH];
        double arrays = best(() -> {
            for (int j = 0; j < K; j++) {
                ParityCode.mulAdd(coefficients[j], sources[j], 0, out, 0, LENGTH);
            }
            return (long) K * LENGTH;
        });
        double buffers = best(() -> {
            for (int j = 0; j < K; j++) {
                ParityCode.mulAdd(coefficients[j], direct[j], 0, out, 0, LENGTH);
            }
            return (long) K * LENGTH;
        });
        System.out.printf("encode one parity symbol, k=%d x %d bytes, byte[] sources:     %6.0f MB/s of source%n", K, LENGTH, arrays);
        System.out.printf("encode one parity symbol, k=%d x %d bytes, direct ByteBuffers: %6.0f MB/s of source%n", K, LENGTH, buffers);
        for (int e : new int[] {5, 60}) {
            int[] missing = Arrays.copyOf(ParityCodeTest.shuffled(random, K), e);
            int[] held = Arrays.copyOf(ParityCodeTest.shuffled(random, parity.length), e);
            byte[][] heldParity = new byte[e][];
            for (int t = 0; t < e; t++) {
                heldParity[t] = parity[held[t]];
            }
            double repaired = best(() -> {
                byte[][] received = sources.clone();
                for (int j : missing) {
                    received[j] = null;
                }
                boolean decoded = ParityCode.decode(K, received, held, heldParity, LENGTH);
                if (!decoded || !Arrays.equals(received[missing[0]], sources[missing[0]])) {
                    throw new IllegalStateException("decoding failed");
                }
                return (long) e * LENGTH;
            });
            System.out.printf("decode e=%2d missing of k=%d: %7.1f MB/s of repaired source, %7.1f MB/s of group%n",
                    e, K, repaired, repaired * K / e);
        }
        if (sink == 42) {
            System.out.println(Arrays.hashCode(out));
        }
    }

    /** Runs the job for a warm-up round, then ROUNDS rounds; the best rate in MB/s. */
    private static double best(Job job) {
        double best = 0;
        for (int round = -1; round < ROUNDS; round++) {
            long bytes = 0;
            long start = System.nanoTime();
            long now;
            do {
                bytes += job.run();
                now = System.nanoTime();
            } while (now - start < ROUND_NANOS * (round < 0 ? 4 : 1));
            if (round >= 0) {
                best = Math.max(best, bytes * 1e3 / (now - start));
            }
        }
        sink += (long) best;
        return best;
    }

    @FunctionalInterface
    private interface Job {
        long run();
    }
}
