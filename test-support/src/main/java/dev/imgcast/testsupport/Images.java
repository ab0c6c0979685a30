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

/**
 * Test images: 1 MiB blocks, random, text-like (zstd shrinks them) or all zero, written to disk
 * without holding them in memory.
 */
public final class Images {
    private Images() {
    }

    /**
     * Writes {@code mib} blocks; block b is zero when {@code b % 4 == 1} or in the last quarter, of
     * the others those with {@code b % 4 == 3} are text-like, the rest random; then a short last block.
     */
    public static Path mixed(Path file, int mib, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        byte[] zero = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int b = 0; b < mib; b++) {
                if (b % 4 == 1 || b >= mib * 3 / 4) {
                    out.write(zero);
                } else if (b % 4 == 3) {
                    text(block, random);
                    out.write(block);
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

    /** Lines of words and numbers, like logs and configuration files: compressible, not trivially. */
    static void text(byte[] block, Random random) {
        String[] words = {"root", "daemon", "/usr/sbin/nologin", "/bin/bash", "systemd[1]:", "Started", "session",
            "kernel:", "eth0", "link", "up", "#include", "<stdio.h>", "return", "0;"};
        int i = 0;
        while (i < block.length) {
            String line = words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)] + " "
                    + random.nextInt(100_000) + "\n";
            for (int c = 0; c < line.length() && i < block.length; c++) {
                block[i++] = (byte) line.charAt(c);
            }
        }
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
