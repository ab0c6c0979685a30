package dev.imgcast.protocol.fec;

/**
 * Arithmetic in the field GF(2^8) that the parity code works in: bytes are polynomials over GF(2)
 * reduced modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D), addition is XOR, and 2 (the polynomial x)
 * generates the 255 non-zero elements. The tables are built once when the class loads: powers of
 * 2 (doubled in length, so that a sum of two logarithms needs no modulo), logarithms, inverses,
 * and all 256 x 256 products as one 256-byte row per factor (64 KiB), which is what the bulk
 * operations of {@link ParityCode} read.
 */
public final class GaloisField {
    /** The reduction polynomial x^8 + x^4 + x^3 + x^2 + 1. */
    public static final int POLYNOMIAL = 0x11D;

    /** EXP[i] = 2^i for i in 0..509 (the second half repeats the first: 2^255 = 1). */
    private static final int[] EXP = new int[2 * 255];
    /** LOG[a] = i with 2^i = a, for a in 1..255; LOG[0] is unused. */
    private static final int[] LOG = new int[256];
    /** INVERSE[a] = a^-1 for a in 1..255; INVERSE[0] is unused (0). */
    private static final int[] INVERSE = new int[256];
    /** PRODUCTS[c][x] = c * x. */
    private static final byte[][] PRODUCTS = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            EXP[i + 255] = x;
            LOG[x] = i;
            x <<= 1;
            if (x > 0xFF) {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 1; a < 256; a++) {
            INVERSE[a] = EXP[255 - LOG[a]];
            for (int b = 1; b < 256; b++) {
                PRODUCTS[a][b] = (byte) EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private GaloisField() {
    }

    /** 2 to the power {@code i} (i ≥ 0; the powers repeat every 255). */
    public static int exp(int i) {
        if (i < 0) {
            throw new IllegalArgumentException("exponent " + i + " is negative");
        }
        return EXP[i % 255];
    }

    /** The i in 0..254 with 2^i = a, for a in 1..255. */
    public static int log(int a) {
        checkNonZeroElement(a);
        return LOG[a];
    }

    /** The product a · b of two field elements (0..255). */
    public static int multiply(int a, int b) {
        checkElement(a);
        checkElement(b);
        return PRODUCTS[a][b] & 0xFF;
    }

    /** The inverse of a non-zero element: multiply(a, inverse(a)) = 1. */
    public static int inverse(int a) {
        checkNonZeroElement(a);
        return INVERSE[a];
    }

    /** The row of products c · x for x in 0..255; shared, never to be written. No range check: c is 0..255. */
    static byte[] productRow(int c) {
        return PRODUCTS[c];
    }

    /** inverse without the range check, for callers that know a is 1..255. */
    static int inverseUnchecked(int a) {
        return INVERSE[a];
    }

    /** multiply without the range checks, for callers that know both are 0..255. */
    static int multiplyUnchecked(int a, int b) {
        return PRODUCTS[a][b] & 0xFF;
    }

    static void checkElement(int a) {
        if (a < 0 || a > 0xFF) {
            throw new IllegalArgumentException("field element " + a + " is outside 0..255");
        }
    }

    private static void checkNonZeroElement(int a) {
        if (a < 1 || a > 0xFF) {
            throw new IllegalArgumentException("field element " + a + " is outside 1..255");
        }
    }
}
