package dev.imgcast.protocol.fec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The field against known values and a slow reference, the fast encoder against a slow per-byte
 * one, every erasure pattern within the code's strength (exhaustively for small groups, randomly
 * for a large one), refusal beyond it, and what a corrupted parity symbol does.
 */
class ParityCodeTest {
    @Test
    void fieldMatchesKnownValuesOfPolynomial0x11d() {
        int[] start = {1, 2, 4, 8, 16, 32, 64, 128, 29, 58, 116, 232, 205, 135, 19, 38};
        for (int i = 0; i < start.length; i++) {
            assertEquals(start[i], GaloisField.exp(i), "2^" + i);
        }
        assertEquals(1, GaloisField.exp(255));
        assertEquals(0x1D, GaloisField.multiply(2, 0x80));
        assertEquals(0x8E, GaloisField.inverse(2));
        for (int a = 1; a < 256; a++) {
            assertEquals(a, GaloisField.exp(GaloisField.log(a)));
        }
    }

    @Test
    void everyProductAndInverseAgreesWithTheSlowReference() {
        byte[] everyByte = new byte[256];
        for (int x = 0; x < 256; x++) {
            everyByte[x] = (byte) x;
        }
        for (int a = 0; a < 256; a++) {
            byte[] row = new byte[256];
            ParityCode.mulAdd(a, everyByte, 0, row, 0, 256);
            for (int b = 0; b < 256; b++) {
                int expected = slowMultiply(a, b);
                assertEquals(expected, GaloisField.multiply(a, b), a + "·" + b);
                assertEquals(expected, row[b] & 0xFF, "mulAdd row " + a + " at " + b);
            }
        }
        for (int a = 1; a < 256; a++) {
            assertEquals(slowInverse(a), GaloisField.inverse(a), "1/" + a);
            assertEquals(1, GaloisField.multiply(a, GaloisField.inverse(a)));
        }
        assertThrows(IllegalArgumentException.class, () -> GaloisField.inverse(0));
        assertThrows(IllegalArgumentException.class, () -> GaloisField.multiply(256, 1));
    }

    @Test
    void coefficientsAreTheCauchyEntries() {
        int[] slowInverse = new int[256];
        for (int a = 1; a < 256; a++) {
            slowInverse[a] = slowInverse(a);
        }
        for (int k = 1; k < ParityCode.MAX_SYMBOLS; k++) {
            assertEquals(255 - k, ParityCode.maxParity(k));
            for (int i = 0; i < ParityCode.maxParity(k); i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(slowInverse[(k + i) ^ j], ParityCode.coefficient(k, i, j));
                }
            }
        }
        for (int k : new int[] {0, 255, -1}) {
            assertThrows(IllegalArgumentException.class, () -> ParityCode.maxParity(k));
            assertThrows(IllegalArgumentException.class, () -> ParityCode.coefficient(k, 0, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> ParityCode.coefficient(10, 245, 0));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.coefficient(10, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.coefficient(10, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.coefficient(10, 0, -1));
    }

    @Test
    void fastParityEqualsTheSlowPerByteEncoder() {
        Random random = new Random(7);
        int[][] groups = {{125, 0}, {125, 1}, {125, 64}, {125, 129}, {1, 0}, {1, 253}, {254, 0}, {16, 100}};
        for (int[] group : groups) {
            int k = group[0];
            int parityIndex = group[1];
            int length = 1400;
            byte[][] sources = randomSymbols(random, k, length);
            sources[k - 1] = Arrays.copyOf(sources[k - 1], 333);
            byte[] parity = new byte[length];
            ParityCode.encode(k, sources, parityIndex, parity, length);
            byte[] slow = new byte[length];
            for (int j = 0; j < k; j++) {
                int c = slowInverse((k + parityIndex) ^ j);
                for (int b = 0; b < sources[j].length; b++) {
                    slow[b] ^= (byte) slowMultiply(c, sources[j][b] & 0xFF);
                }
            }
            assertArrayEquals(slow, parity, "k=" + k + " parity " + parityIndex);
        }
    }

    @Test
    void mulAddTouchesOnlyItsRangeAndReadsBuffersLikeArrays() {
        Random random = new Random(11);
        byte[] src = new byte[300];
        random.nextBytes(src);
        for (int c : new int[] {0, 1, 2, 0x8E, 255}) {
            byte[] dst = new byte[300];
            random.nextBytes(dst);
            byte[] expected = dst.clone();
            for (int i = 0; i < 200; i++) {
                expected[40 + i] ^= (byte) slowMultiply(c, src[17 + i] & 0xFF);
            }
            byte[] fromArray = dst.clone();
            ParityCode.mulAdd(c, src, 17, fromArray, 40, 200);
            assertArrayEquals(expected, fromArray, "array, c=" + c);

            ByteBuffer heap = ByteBuffer.wrap(new byte[310], 5, 300).slice().put(src);
            ByteBuffer direct = ByteBuffer.allocateDirect(300).put(src);
            for (ByteBuffer buffer : List.of(heap, direct, heap.asReadOnlyBuffer(), direct.asReadOnlyBuffer())) {
                buffer.position(9).limit(250);
                byte[] fromBuffer = dst.clone();
                ParityCode.mulAdd(c, buffer, 17, fromBuffer, 40, 200);
                assertArrayEquals(expected, fromBuffer, buffer + ", c=" + c);
                assertEquals(9, buffer.position());
                assertEquals(250, buffer.limit());
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> ParityCode.mulAdd(3, src, 200, new byte[300], 0, 101));
        assertThrows(IndexOutOfBoundsException.class, () -> ParityCode.mulAdd(3, ByteBuffer.allocate(100), 50, new byte[300], 0, 51));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.mulAdd(256, src, 0, new byte[300], 0, 1));
    }

    @Test
    void everyErasurePatternWithinStrengthDecodesExhaustively() {
        assertEquals(70, decodeEveryPattern(4, 4));
        assertEquals(1 + 8 * 3 + 28 * 3 + 56, decodeEveryPattern(8, 3));
        assertEquals(924, decodeEveryPattern(6, 6));
    }

    /** Decodes every set of missing sources with every choice of as many held parity symbols; returns the number of patterns. */
    private static int decodeEveryPattern(int k, int m) {
        Random random = new Random(31L * k + m);
        int length = 37;
        byte[][] sources = randomSymbols(random, k, length);
        byte[][] parity = new byte[m][length];
        for (int i = 0; i < m; i++) {
            ParityCode.encode(k, sources, i, parity[i], length);
        }
        int patterns = 0;
        for (int mask = 0; mask < 1 << k; mask++) {
            int e = Integer.bitCount(mask);
            if (e > m) {
                continue;
            }
            for (int[] held : subsets(m, e)) {
                byte[][] received = new byte[k][];
                for (int j = 0; j < k; j++) {
                    received[j] = (mask >> j & 1) == 0 ? sources[j].clone() : null;
                }
                byte[][] heldParity = new byte[e][];
                for (int t = 0; t < e; t++) {
                    heldParity[t] = parity[held[t]].clone();
                }
                assertTrue(ParityCode.decode(k, received, held, heldParity, length));
                for (int j = 0; j < k; j++) {
                    assertArrayEquals(sources[j], received[j], "k=" + k + " missing " + Integer.toBinaryString(mask)
                            + " parity " + Arrays.toString(held) + ": source " + j);
                }
                patterns++;
            }
        }
        return patterns;
    }

    @Test
    void randomErasuresOfALargeGroupDecode() {
        int k = 125;
        int m = ParityCode.maxParity(k);
        assertEquals(130, m);
        int length = 1400;
        int lastLength = 611;
        Random random = new Random(125);
        byte[][] sources = randomSymbols(random, k, length);
        sources[k - 1] = Arrays.copyOf(sources[k - 1], lastLength);
        byte[][] parity = new byte[m][length];
        for (int i = 0; i < m; i++) {
            ParityCode.encode(k, sources, i, parity[i], length);
        }
        for (int pattern = 0; pattern < 300; pattern++) {
            int e = pattern < 100 ? 1 + random.nextInt(8) : 1 + random.nextInt(k);
            int[] missing = Arrays.copyOf(shuffled(random, k), e);
            if (pattern % 3 == 0 && Arrays.stream(missing).noneMatch(j -> j == k - 1)) {
                missing[0] = k - 1;
            }
            int[] held = Arrays.copyOf(shuffled(random, m), e + random.nextInt(m - e + 1));
            byte[][] received = sources.clone();
            for (int j : missing) {
                received[j] = null;
            }
            byte[][] heldParity = new byte[held.length][];
            for (int t = 0; t < held.length; t++) {
                heldParity[t] = parity[held[t]];
            }
            assertTrue(ParityCode.decode(k, received, held, heldParity, length));
            for (int j : missing) {
                assertArrayEquals(Arrays.copyOf(sources[j], length), received[j], "pattern " + pattern + ", source " + j);
            }
        }
    }

    @Test
    void fewerParityThanMissingIsRefusedAndChangesNothing() {
        Random random = new Random(3);
        int k = 8;
        byte[][] sources = randomSymbols(random, k, 50);
        byte[][] parity = new byte[2][50];
        for (int i = 0; i < 2; i++) {
            ParityCode.encode(k, sources, i, parity[i], 50);
        }
        byte[][] received = new byte[k][];
        for (int j : new int[] {0, 2, 3, 5, 7}) {
            received[j] = sources[j].clone();
        }
        byte[][] receivedBefore = received.clone();
        byte[][] parityBefore = {parity[0].clone(), parity[1].clone()};
        assertFalse(ParityCode.decode(k, received, new int[] {0, 1}, parity, 50));
        for (int j = 0; j < k; j++) {
            assertSame(receivedBefore[j], received[j]);
        }
        for (int j : new int[] {1, 4, 6}) {
            assertNull(received[j]);
        }
        for (int j : new int[] {0, 2, 3, 5, 7}) {
            assertArrayEquals(sources[j], received[j]);
        }
        assertArrayEquals(parityBefore[0], parity[0]);
        assertArrayEquals(parityBefore[1], parity[1]);
        assertFalse(ParityCode.decode(k, received, new int[0], new byte[0][], 50));
    }

    @Test
    void solveRefusesInconsistentArgumentsWithoutWriting() {
        byte[][] residuals = {{1, 2, 3}, {4, 5, 6}};
        List<Runnable> wrong = List.of(
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {0}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 2, 3}, new int[] {0, 1, 2}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 1}, new int[] {0, 1}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {3, 3}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 8}, new int[] {0, 1}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {-1, 2}, new int[] {0, 1}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {0, 247}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {-1, 1}, residuals, 3),
                () -> ParityCode.solve(0, new int[] {0}, new int[] {0}, residuals, 3),
                () -> ParityCode.solve(255, new int[] {0}, new int[] {0}, residuals, 3),
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {0, 1}, residuals, 4),
                () -> ParityCode.solve(8, new int[] {1, 2}, new int[] {0, 1}, residuals, -1));
        for (int i = 0; i < wrong.size(); i++) {
            assertThrows(IllegalArgumentException.class, wrong.get(i)::run, "case " + i);
            assertArrayEquals(new byte[][] {{1, 2, 3}, {4, 5, 6}}, residuals, "case " + i);
        }
        byte[][] sources = {new byte[3], null};
        assertThrows(IllegalArgumentException.class, () -> ParityCode.decode(3, sources, new int[] {0}, new byte[][] {new byte[3]}, 3));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.decode(2, sources, new int[] {0, 0}, new byte[2][3], 3));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.decode(2, sources, new int[] {0}, new byte[2][3], 3));
        assertThrows(IllegalArgumentException.class, () -> ParityCode.decode(2, sources, new int[] {0}, new byte[][] {new byte[3]}, 2));
    }

    @Test
    void aCorruptedParityByteGivesWrongSourcesUndetected() {
        Random random = new Random(19);
        int k = 20;
        int length = 100;
        byte[][] sources = randomSymbols(random, k, length);
        byte[][] parity = new byte[4][length];
        for (int i = 0; i < 4; i++) {
            ParityCode.encode(k, sources, i, parity[i], length);
        }
        parity[2][57] ^= 0x01;
        byte[][] received = sources.clone();
        int[] missing = {0, 5, 11, 19};
        for (int j : missing) {
            received[j] = null;
        }
        // The code has no way to notice: it repairs, and every repaired source is wrong at the
        // corrupted byte's offset (the inverse of a Cauchy matrix has no zero entry); only the
        // caller's checksum can catch it.
        assertTrue(ParityCode.decode(k, received, new int[] {0, 1, 2, 3}, parity, length));
        for (int j : missing) {
            assertNotEquals(sources[j][57], received[j][57], "source " + j);
            byte[] rest = received[j].clone();
            rest[57] = sources[j][57];
            assertArrayEquals(sources[j], rest, "source " + j + " outside the corrupted offset");
        }
    }

    /** Shift-and-add ("Russian peasant") product modulo 0x11D, independent of the tables. */
    private static int slowMultiply(int a, int b) {
        int product = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                product ^= a;
            }
            a <<= 1;
            if ((a & 0x100) != 0) {
                a ^= 0x11D;
            }
            b >>= 1;
        }
        return product;
    }

    /** a^254 = a^-1 (the non-zero elements form a group of order 255). */
    private static int slowInverse(int a) {
        int result = 1;
        for (int i = 0; i < 254; i++) {
            result = slowMultiply(result, a);
        }
        return result;
    }

    private static byte[][] randomSymbols(Random random, int count, int length) {
        byte[][] symbols = new byte[count][length];
        for (byte[] symbol : symbols) {
            random.nextBytes(symbol);
        }
        return symbols;
    }

    /** 0..n-1 in a random order (also used by ParityCodeMeasure). */
    static int[] shuffled(Random random, int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
        return values;
    }

    /** Every subset of size e of 0..n-1, each in increasing order. */
    private static List<int[]> subsets(int n, int e) {
        List<int[]> result = new ArrayList<>();
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) == e) {
                int[] subset = new int[e];
                for (int i = 0, t = 0; i < n; i++) {
                    if ((mask >> i & 1) != 0) {
                        subset[t++] = i;
                    }
                }
                result.add(subset);
            }
        }
        return result;
    }
}
