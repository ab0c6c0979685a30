package dev.imgcast.protocol.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disks in use, as the kernel describes them in /dev, /sys/class/block and /proc, for machines
 * this one cannot be: its kernel has neither device-mapper nor md, so LVM and RAID members are
 * laid out here the way sysfs shows them (holders/, dm/name, dm/uuid, partition files). Mounted
 * loop devices and the running system's disk are checked for real in client-agent's DiskLabIT.
 */
class BlockDevicesTest {
    @TempDir
    Path root;
    Path dev;
    Path sys;
    Path proc;

    @BeforeEach
    void machine() throws IOException {
        dev = Files.createDirectories(root.resolve("dev"));
        sys = Files.createDirectories(root.resolve("sys/class/block"));
        proc = Files.createDirectories(root.resolve("proc/self"));
        // vda: vda1 (/boot), vda2 is the LVM physical volume of vg-root (/) and vg-swap
        disk("vda", "254:0");
        partition("vda", "vda1", "254:1");
        partition("vda", "vda2", "254:2");
        dm("dm-0", "253:0", "vg-root", "LVM-abc");
        dm("dm-1", "253:1", "vg-swap", "LVM-def");
        holds("vda2", "dm-0");
        holds("vda2", "dm-1");
        // sdb and sdc: members of the RAID set md0, which nothing mounts
        disk("sdb", "8:16");
        disk("sdc", "8:32");
        disk("md0", "9:0");
        holds("sdb", "md0");
        holds("sdc", "md0");
        // sdd: a data disk, its partition mounted at /mnt/my data; sde: a swap partition; sdf: free
        disk("sdd", "8:48");
        partition("sdd", "sdd1", "8:49");
        disk("sde", "8:64");
        partition("sde", "sde1", "8:65");
        disk("sdf", "8:80");
        Files.writeString(proc.resolve("mountinfo"), """
                21 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw
                22 21 254:1 / /boot rw,relatime shared:2 - ext4 /dev/vda1 rw
                23 21 0:22 / /proc rw - proc proc rw
                24 21 8:49 / /mnt/my\\040data rw - xfs /dev/sdd1 rw
                """);
        Files.writeString(root.resolve("proc/swaps"), """
                Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
                /dev/sde1                               partition\t1048572\t\t0\t\t-2
                """);
    }

    private BlockDevices kernel() {
        return new BlockDevices(dev, sys, root.resolve("proc"));
    }

    private void disk(String name, String number) throws IOException {
        Path dir = Files.createDirectories(sys.resolve(name));
        Files.writeString(dir.resolve("dev"), number + "\n");
        Files.writeString(dir.resolve("size"), "2048\n");
        Files.createFile(dev.resolve(name));
    }

    private void partition(String disk, String name, String number) throws IOException {
        for (Path dir : new Path[] {sys.resolve(disk).resolve(name), sys.resolve(name)}) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("dev"), number + "\n");
            Files.writeString(dir.resolve("partition"), name.substring(name.length() - 1) + "\n");
        }
        Files.createFile(dev.resolve(name));
    }

    private void dm(String name, String number, String dmName, String uuid) throws IOException {
        disk(name, number);
        Path dm = Files.createDirectories(sys.resolve(name).resolve("dm"));
        Files.writeString(dm.resolve("name"), dmName + "\n");
        Files.writeString(dm.resolve("uuid"), uuid + "\n");
        Files.createDirectories(dev.resolve("mapper"));
        Files.createSymbolicLink(dev.resolve("mapper").resolve(dmName), Path.of("..", name));
    }

    private void holds(String device, String holder) throws IOException {
        Files.createDirectories(sys.resolve(device).resolve("holders").resolve(holder));
    }

    @Test
    void theDiskUnderTheRootVolumeHoldsTheRunningSystem() {
        assertEquals(dev.resolve("vda") + " holds the running system (/ is mounted from dm-0 on vda2); it cannot be the"
                + " target. Nothing was written", kernel().busy(dev.resolve("vda")));
        assertEquals(dev.resolve("vda2") + " holds the running system (/ is mounted from dm-0 on vda2); it cannot be the"
                + " target. Nothing was written", kernel().busy(dev.resolve("vda2")));
        assertEquals(dev.resolve("mapper/vg-root") + " holds the running system (/ is mounted from dm-0); it cannot be the"
                + " target. Nothing was written", kernel().busy(dev.resolve("mapper/vg-root")));
    }

    @Test
    void aMountedPartitionIsNamedWithItsMountPoint() {
        assertEquals(dev.resolve("vda1") + " is mounted (vda1 at /boot); unmount it first. Nothing was written",
                kernel().busy(dev.resolve("vda1")));
        assertEquals(dev.resolve("sdd") + " is mounted (sdd1 at /mnt/my data); unmount it first. Nothing was written",
                kernel().busy(dev.resolve("sdd")));
    }

    @Test
    void raidMembersSwapAndLvmVolumesInUseAreRefused() {
        assertEquals(dev.resolve("sdb") + " is part of an active RAID set (md0) (sdb is held by md0); stop it first."
                + " Nothing was written", kernel().busy(dev.resolve("sdb")));
        assertEquals(dev.resolve("sde") + " is in use as swap (/dev/sde1); run swapoff first. Nothing was written",
                kernel().busy(dev.resolve("sde")));
    }

    @Test
    void aFreeDiskAndFilesAreNotBusy() throws IOException {
        assertNull(kernel().busy(dev.resolve("sdf")));
        assertNull(kernel().busy(dev.resolve("md0")), "the RAID set itself is free: nothing mounts it");
        assertNull(kernel().busy(Files.createFile(root.resolve("image.img"))), "a file is no block device");
        assertEquals(1 << 20, kernel().sizeOf(dev.resolve("sdf")));
    }
}
