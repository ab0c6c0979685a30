package dev.imgcast.agent;

import dev.imgcast.protocol.image.BlockDevices;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** What img can tell about this machine before a transfer: the image, the target, its names. */
final class Disks {
    private Disks() {
    }

    /** What can be told about an image before reading it: a problem is exit code 3. */
    static void checkImage(Path image) {
        if (!Files.exists(image)) {
            throw new Img.Problem(ExitCode.DISK, "image " + image + " does not exist");
        }
        if (Files.isDirectory(image)) {
            throw new Img.Problem(ExitCode.DISK, image + " is a directory; name an image file or a disk");
        }
        if (!Files.isReadable(image)) {
            throw new Img.Problem(ExitCode.DISK, image + " is not readable");
        }
    }

    /** What can be told about a target before anything is written: a problem is exit code 3. */
    static void checkTarget(Path target) {
        if (Files.isDirectory(target)) {
            throw new Img.Problem(ExitCode.DISK, target + " is a directory; name a file or a block device");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new Img.Problem(ExitCode.DISK, "directory " + parent + " does not exist");
        }
        if (Files.exists(target) ? !Files.isWritable(target) : !Files.isWritable(parent)) {
            throw new Img.Problem(ExitCode.DISK, (Files.exists(target) ? target : parent) + " is not writable");
        }
        String busy = BlockDevices.whyBusy(target);
        if (busy != null) {
            throw new Img.Problem(ExitCode.DISK, busy);
        }
    }

    /**
     * After a whole disk was written: asks the kernel to read its partition table again (the
     * BLKRRPART ioctl, through util-linux's blockdev), so the new partitions appear without a
     * reboot. Says what happened, in a line for the device's screen.
     */
    static String rereadPartitions(Path disk) {
        if (!BlockDevices.isWholeDisk(disk)) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("blockdev", "--rereadpt", disk.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the kernel did not re-read the partition table of " + disk + " within 30 s; reboot before use";
            }
            if (p.exitValue() == 0) {
                return "partition table of " + disk + " re-read by the kernel";
            }
            return "the kernel did not re-read the partition table of " + disk + " (" + (said.isEmpty() ? "blockdev exit "
                    + p.exitValue() : said.lines().reduce((a, b) -> b).orElse(said)) + "); reboot or run partprobe before use";
        } catch (IOException e) {
            return "could not ask the kernel to re-read the partition table of " + disk + " (" + e.getMessage()
                    + "); reboot or run partprobe before use";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while the kernel re-read the partition table of " + disk;
        }
    }

    /** The kernel's host name, as a device is shown when no name is given. */
    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "device";
        }
    }

    /** The MAC address of the interface, or its name when it has none. */
    static String mac(String interfaceName) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(interfaceName);
            byte[] hw = nif == null ? null : nif.getHardwareAddress();
            if (hw == null || hw.length != 6) {
                return interfaceName;
            }
            return HexFormat.ofDelimiter(":").formatHex(hw);
        } catch (SocketException e) {
            return interfaceName;
        }
    }
}
