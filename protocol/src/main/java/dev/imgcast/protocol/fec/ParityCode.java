package dev.imgcast.protocol.fec;

import java.nio.ByteBuffer;

/**
 * A systematic Reed–Solomon erasure code over GF(2^8) (polynomial 0x11D) with a Cauchy parity
 * matrix: parity symbol i of a group of k sources is the sum of {@code 1 / (x_i + y_j) · source_j}
 * with {@code x_i = k + i}, {@code y_j = j}. Every square submatrix of a Cauchy matrix is
 * invertible, so any e parity symbols rebuild any e missing sources; k + parity ≤ 255.
 */
public final class ParityCode {
    public static final int MAX_SYMBOLS = 255;
    private static final int POLYNOMIAL = 0x11D;
    private static final byte[] EXP = new byte[512];
    private static final int[] LOG = new int[256];
    private static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if (x >= 256) {
                x ^= POLYNOMIAL;
            }
        }
        for (int i = 255; i < EXP.length; i++) {
            EXP[i] = EXP[i - 255];
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                MUL[a][b] = EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private ParityCode() {
    }

    public static int maxParity(int k) {
        if (k < 1 || k > 254) {
            throw new IllegalArgumentException("a group has 1..254 sources, not " + k);
        }
        return 255 - k;
    }

    public static int coefficient(int k, int parityIndex, int source) {
        if (parityIndex < 0 || parityIndex >= maxParity(k) || source < 0 || source >= k) {
            throw new IllegalArgumentException("no coefficient for parity " + parityIndex + ", source " + source + " of " + k);
        }
        return inverse((k + parityIndex) ^ source);
    }

    static int multiply(int a, int b) {
        return MUL[a & 0xFF][b & 0xFF] & 0xFF;
    }

    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("0 has no inverse");
        }
        return EXP[255 - LOG[a]] & 0xFF;
    }

    public static void mulAdd(int c, byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        if (c == 0) {
            return;
        }
        if (c == 1) {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] ^= src[srcOff + i];
            }
            return;
        }
        byte[] row = MUL[c];
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] ^= row[src[srcOff + i] & 0xFF];
        }
    }

    public static void mulAdd(int c, ByteBuffer src, int srcPos, byte[] dst, int dstOff, int len) {
        if (c == 0) {
            return;
        }
        byte[] row = MUL[c];
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] ^= row[src.get(srcPos + i) & 0xFF];
        }
    }

    public static void solve(int k, int[] missingSources, int[] parityIndices, byte[][] residuals, int length) {
        int e = missingSources.length;
        if (parityIndices.length != e || residuals.length < e) {
            throw new IllegalArgumentException(e + " missing sources need as many parity symbols, not " + parityIndices.length);
        }
        int[][] m = new int[e][e];
        for (int r = 0; r < e; r++) {
            for (int c = 0; c < e; c++) {
                m[r][c] = coefficient(k, parityIndices[r], missingSources[c]);
            }
        }
        checkDistinct(missingSources, "source");
        checkDistinct(parityIndices, "parity");
        // Gauss–Jordan on m, applied to the residual rows alongside.
        for (int col = 0; col < e; col++) {
            int pivot = col;
            while (m[pivot][col] == 0) {
                pivot++;
            }
            if (pivot != col) {
                int[] t = m[pivot];
                m[pivot] = m[col];
                m[col] = t;
                byte[] u = residuals[pivot];
                residuals[pivot] = residuals[col];
                residuals[col] = u;
            }
            int scale = inverse(m[col][col]);
            for (int c = 0; c < e; c++) {
                m[col][c] = multiply(m[col][c], scale);
            }
            byte[] scaled = new byte[length];
            mulAdd(scale, residuals[col], 0, scaled, 0, length);
            residuals[col] = scaled;
            for (int r = 0; r < e; r++) {
                int f = m[r][col];
                if (r != col && f != 0) {
                    for (int c = 0; c < e; c++) {
                        m[r][c] ^= multiply(f, m[col][c]);
                    }
                    mulAdd(f, residuals[col], 0, residuals[r], 0, length);
                }
            }
        }
    }

    private static void checkDistinct(int[] values, String what) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int v : values) {
            if (!seen.add(v)) {
                throw new IllegalArgumentException(what + " " + v + " given twice");
            }
        }
    }
}
