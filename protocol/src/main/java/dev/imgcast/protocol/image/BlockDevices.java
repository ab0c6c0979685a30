package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Linux tells about block devices through sysfs and procfs: their size ({@code stat}
 * reports 0) and whether something uses them, so that a disk holding the running system, a
 * mounted file system, swap or a member of an active RAID or LVM set is never written.
 */
public final class BlockDevices {
    private static final BlockDevices SYSTEM = new BlockDevices(Path.of("/dev"), Path.of("/sys/class/block"), Path.of("/proc"));

    private final Path dev;
    private final Path sysBlock;
    private final Path mountinfo;
    private final Path swaps;

    /** The kernel's view under other roots: a copy of /dev, /sys/class/block and /proc (tests of machines we lack). */
    BlockDevices(Path dev, Path sysBlock, Path proc) {
        this.dev = dev;
        this.sysBlock = sysBlock;
        this.mountinfo = proc.resolve("self/mountinfo");
        this.swaps = proc.resolve("swaps");
    }

    /** Size in bytes of the block device at {@code path}, or -1 if unknown. */
    public static long size(Path path) {
        return SYSTEM.sizeOf(path);
    }

    /** True when {@code path} is a block device the kernel lists (a loop device, a disk, a partition). */
    public static boolean isBlockDevice(Path path) {
        return SYSTEM.kernelName(path) != null;
    }

    /** True when {@code path} is a whole disk (not a partition of one), the kind that holds a partition table. */
    public static boolean isWholeDisk(Path path) {
        String name = SYSTEM.kernelName(path);
        return name != null && !Files.exists(SYSTEM.sysBlock.resolve(name).resolve("partition"));
    }

    /**
     * Why the block device at {@code path} must not be written now, or null when nothing uses it:
     * the running system is on it, a file system on it (or on a partition of it, or on a device
     * stacked on it) is mounted, it is swap, or RAID or device-mapper (LVM, crypt) holds it.
     */
    public static String whyBusy(Path path) {
        return SYSTEM.busy(path);
    }

    long sizeOf(Path path) {
        try {
            String name = kernelName(path);
            Path sysfs = name == null ? null : sysBlock.resolve(name).resolve("size");
            if (sysfs == null || !Files.exists(sysfs)) {
                return -1;
            }
            return Long.parseLong(Files.readString(sysfs).trim()) * 512;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** {@link #whyBusy} under this view's roots. */
    String busy(Path path) {
        String name = kernelName(path);
        if (name == null) {
            return null;
        }
        try {
            Set<String> own = new LinkedHashSet<>();
            own.add(name);
            own.addAll(partitions(name));
            // every device built on this one (dm, md, and what is built on those): a mount of any is a mount of ours
            Map<String, String> stacked = new LinkedHashMap<>();
            for (String device : own) {
                holders(device, device, stacked);
            }
            Map<String, String> byNumber = new LinkedHashMap<>();
            Set<String> all = new LinkedHashSet<>(own);
            all.addAll(stacked.keySet());
            for (String device : all) {
                String number = read(sysBlock.resolve(device).resolve("dev"));
                if (number != null) {
                    byNumber.put(number, device);
                }
            }
            String mounted = mounted(path, all, byNumber, stacked);
            if (mounted != null) {
                return mounted;
            }
            String swap = swap(all);
            if (swap != null) {
                return path + " is in use as swap (" + swap + "); run swapoff first. Nothing was written";
            }
            if (!stacked.isEmpty()) {
                String holder = stacked.keySet().iterator().next();
                return path + " is part of an active " + describeHolder(holder) + " (" + stacked.get(holder)
                        + " is held by " + holder + "); stop it first. Nothing was written";
            }
            return null;
        } catch (IOException e) {
            return "cannot tell whether " + path + " is in use: " + e.getMessage() + ". Nothing was written";
        }
    }

    private String mounted(Path path, Set<String> all, Map<String, String> byNumber, Map<String, String> stacked)
            throws IOException {
        String firstMount = null;
        for (String line : Files.readAllLines(mountinfo)) {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 2 >= fields.length) {
                continue;
            }
            String device = byNumber.get(fields[2]);
            if (device == null && fields[dash + 2].startsWith("/dev/")) {
                String sourceName = kernelName(dev.resolve(unescape(fields[dash + 2]).substring(5)));
                device = sourceName != null && all.contains(sourceName) ? sourceName : null;
            }
            if (device == null) {
                continue;
            }
            String mountPoint = unescape(fields[4]);
            String via = stacked.containsKey(device) ? device + " on " + stacked.get(device) : device;
            if ("/".equals(mountPoint)) {
                return path + " holds the running system (/ is mounted from " + via + "); it cannot be the target."
                        + " Nothing was written";
            }
            if (firstMount == null) {
                firstMount = path + " is mounted (" + via + " at " + mountPoint + "); unmount it first."
                        + " Nothing was written";
            }
        }
        return firstMount;
    }

    private String swap(Set<String> all) throws IOException {
        if (!Files.exists(swaps)) {
            return null;
        }
        for (String line : Files.readAllLines(swaps)) {
            String source = line.split("\\s+")[0];
            if (source.startsWith("/dev/")) {
                String name = kernelName(dev.resolve(source.substring(5)));
                if (name != null && all.contains(name)) {
                    return source;
                }
            }
        }
        return null;
    }

    /** The partitions of a whole disk, by their kernel names (none for a partition or an unpartitioned disk). */
    List<String> partitions(String name) throws IOException {
        List<String> found = new ArrayList<>();
        Path dir = sysBlock.resolve(name);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.exists(entry.resolve("partition"))) {
                    found.add(entry.getFileName().toString());
                }
            }
        }
        return found;
    }

    /** Adds every device stacked on {@code name}, transitively, with the device of ours it stands on. */
    private void holders(String name, String ours, Map<String, String> into) throws IOException {
        Path dir = sysBlock.resolve(name).resolve("holders");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String holder = entry.getFileName().toString();
                if (into.putIfAbsent(holder, ours) == null) {
                    holders(holder, ours, into);
                }
            }
        }
    }

    private String describeHolder(String holder) {
        if (holder.startsWith("md")) {
            return "RAID set (" + holder + ")";
        }
        String dmName = read(sysBlock.resolve(holder).resolve("dm").resolve("name"));
        String uuid = read(sysBlock.resolve(holder).resolve("dm").resolve("uuid"));
        String kind = uuid != null && uuid.startsWith("LVM-") ? "LVM volume"
                : uuid != null && uuid.startsWith("CRYPT-") ? "encrypted volume" : "device-mapper volume";
        return dmName != null ? kind + " (" + dmName + ")" : kind;
    }

    /** The kernel's name of the block device at {@code path} (loop3, vda, nvme0n1p2), or null if it is none. */
    String kernelName(Path path) {
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(dev.toRealPath()) || real.getFileName() == null) {
                return null;
            }
            String name = real.getFileName().toString();
            return Files.exists(sysBlock.resolve(name).resolve("dev")) ? name : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Undoes mountinfo's octal escapes of space, tab, newline and backslash. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
