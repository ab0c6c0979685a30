package dev.imgcast.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test images: 1 MiB blocks, random or all zero, written to disk without holding them in memory. */
public final class Images {
    private Images() {
    }

    /** Writes {@code mib} blocks; block b is zero when {@code b % 4 == 1} or in the last quarter. */
    public static Path mixed(Path file, int mib, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        byte[] zero = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int b = 0; b < mib; b++) {
                if (b % 4 == 1 || b >= mib * 3 / 4) {
                    out.write(zero);
                } else {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            random.nextBytes(block);
            out.write(block, 0, 12_345); // a short last block
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
