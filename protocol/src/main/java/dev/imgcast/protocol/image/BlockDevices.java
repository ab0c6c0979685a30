package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sizes of Linux block devices, which {@code stat} reports as 0. */
public final class BlockDevices {
    private BlockDevices() {
    }

    /** Size in bytes of the block device at {@code path}, or -1 if unknown. */
    public static long size(Path path) {
        try {
            Path real = path.toRealPath();
            Path sysfs = Path.of("/sys/class/block", real.getFileName().toString(), "size");
            if (!Files.exists(sysfs)) {
                return -1;
            }
            return Long.parseLong(Files.readString(sysfs).trim()) * 512;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
