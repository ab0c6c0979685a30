package dev.imgcast.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A real block device for a test: a loop device (losetup, with partition scanning) over a file in
 * the test's directory, filled with random bytes so that nothing reads as zeros by chance.
 * Whatever the test stacks on it (a mount) is undone on close, in reverse
 * order, then the loop device is detached; also when the test failed.
 */
public final class LoopDisk implements AutoCloseable {
    private final Path backing;
    private final String device;
    private final Deque<String[]> undo = new ArrayDeque<>();

    private LoopDisk(Path backing, String device) {
        this.backing = backing;
        this.device = device;
    }

    /** A loop device of {@code mib} MiB over {@code backing} (created, filled with random bytes), with partition scanning. */
    public static LoopDisk attach(Path backing, int mib) throws IOException, InterruptedException {
        return attach(backing, mib, true);
    }

    /**
     * The same, with partition scanning or without (then the kernel refuses to re-read its
     * partition table: BLKRRPART fails with EINVAL).
     */
    public static LoopDisk attach(Path backing, int mib, boolean partscan) throws IOException, InterruptedException {
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(0);
            byte[] junk = new byte[1 << 20];
            java.util.Random random = new java.util.Random(mib);
            for (int i = 0; i < mib; i++) {
                random.nextBytes(junk);
                f.write(junk);
            }
        }
        String device = (partscan ? Lab.exec("losetup", "--find", "--show", "--partscan", backing.toString())
                : Lab.exec("losetup", "--find", "--show", backing.toString())).trim();
        if (!device.startsWith("/dev/loop")) {
            throw new IOException("losetup gave no loop device: " + device);
        }
        return new LoopDisk(backing, device);
    }

    /** The device's path, e.g. /dev/loop3. */
    public String device() {
        return device;
    }

    /** The kernel's name, e.g. loop3. */
    public String name() {
        return Path.of(device).getFileName().toString();
    }

    /**
     * SHA-256 of the first {@code length} bytes as the device itself holds them: read with
     * O_DIRECT (dd iflag=direct), past the page cache.
     */
    public String sha256OnDevice(long length) throws IOException, InterruptedException {
        long mib = (length + (1 << 20) - 1) >> 20;
        return Lab.exec("sh", "-c", "dd if=" + device + " iflag=direct bs=1M count=" + mib + " status=none | head -c "
                + length + " | sha256sum").split(" ")[0];
    }

    /** Makes an ext4 file system on the whole device and mounts it at {@code at}; undone on close. */
    public void mount(Path at) throws IOException, InterruptedException {
        Files.createDirectories(at);
        Lab.exec("mkfs.ext4", "-q", "-F", device);
        Lab.exec("mount", device, at.toString());
        undo.push(new String[] {"umount", at.toString()});
    }

    @Override
    public void close() throws IOException, InterruptedException {
        IOException first = null;
        while (!undo.isEmpty()) {
            try {
                Lab.exec(undo.pop());
            } catch (AssertionError | IOException e) {
                first = first != null ? first : new IOException(e.getMessage(), e);
            }
        }
        try {
            Lab.exec("losetup", "-d", device);
        } catch (AssertionError | IOException e) {
            first = first != null ? first : new IOException(e.getMessage(), e);
        }
        Files.deleteIfExists(backing);
        if (first != null) {
            throw first;
        }
    }
}
