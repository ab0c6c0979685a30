package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.wire.TransferKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A receiver resuming onto a target that already holds part of the image (the real engines, the
 * v2 data plane, simulated time): blocks whose CRC32C matches the manifest are kept, neither
 * asked for nor written; a damaged block and a zero block holding old bytes are written again.
 */
class ResumeTest {
    private static final byte[] KEY = TransferKeys.random();
    private static final int MIB = 1 << 20;

    private static SenderConfig config(int receivers) {
        return new SenderConfig(1400, 2_000_000_000L, receivers, null, Duration.ofSeconds(5), Duration.ofSeconds(2), 8);
    }

    @Test
    void whatMatchesIsKeptAndOnlyTheRestIsReceivedAndWritten() {
        byte[] image = MemoryNetwork.compressibleImage(12, 777, 21); // block 3, 7, 11 are zeros
        byte[] disk = new byte[image.length];
        new Random(3).nextBytes(disk);
        System.arraycopy(image, 0, disk, 0, 6 * MIB);  // blocks 0-5 made it before the failure
        disk[2 * MIB + 100] ^= 1;                         // ... but block 2 was torn
        MemoryImage resuming = MemoryImage.resuming(disk);
        MemoryImage fresh = MemoryImage.empty(image.length);
        MemoryNetwork net = new MemoryNetwork(image, MIB, config(2), KEY, 2, 0, 3, null, i -> i == 1 ? resuming : fresh);
        net.receivers.forEach(n -> n.loss = 0.02);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        ReceiverEngine r = net.receivers.get(0).engine;
        assertTrue(r.verified(), net.receivers.get(0).log.toString());
        assertArrayEquals(image, resuming.bytes());
        assertArrayEquals(image, fresh.bytes());
        // kept: blocks 0, 1, 4, 5 (block 3 is a zero block, block 2 was damaged)
        assertEquals(4L * MIB, r.bytesReused(), net.receivers.get(0).log.toString());
        long stored = net.receivers.get(1).engine.bytesReceived();
        assertEquals(stored, r.bytesReceived() + r.storedBytesReused(), "kept + received = the whole image as sent");
        assertTrue(r.bytesReceived() < stored * 0.75, r.bytesReceived() + " of " + stored);
        // written: the blocks it lacked and the zero blocks that held old bytes, never the kept ones
        for (int kept : new int[] {0, 1, 3, 4, 5}) { // 3: a zero block that already reads as zeros
            assertTrue(!resuming.wroteWithinMiB(kept), "block " + kept + " was kept, yet written");
        }
        for (int lacked : new int[] {2, 6, 7, 8, 11}) { // 7, 11: zero blocks over old bytes
            assertTrue(resuming.wroteWithinMiB(lacked), "block " + lacked + " was not written");
        }
        for (int lacked : new int[] {9, 10}) {
            assertTrue(resuming.wroteWithinMiB(lacked), "block " + lacked + " was not written");
        }
        assertTrue(net.receivers.get(0).log.stream().anyMatch(l -> l.startsWith("resume: 4.0 MiB of the image already on")),
                net.receivers.get(0).log.toString());
    }

    @Test
    void aTargetHoldingTheWholeImageReceivesNothingAndVerifies() {
        byte[] image = MemoryNetwork.compressibleImage(6, 10, 22);
        MemoryImage done = MemoryImage.resuming(image.clone());
        MemoryNetwork net = new MemoryNetwork(image, MIB, config(1), KEY, 1, 0, 3, null, i -> done);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        ReceiverEngine r = net.receivers.get(0).engine;
        assertTrue(r.verified(), net.receivers.get(0).log.toString());
        assertEquals(0, r.bytesReceived());
        assertEquals(0, done.written(), "a zero block already zero is not written either");
        assertArrayEquals(image, done.bytes());
    }

    @Test
    void withoutResumeTheSameTargetIsWrittenWhole() {
        byte[] image = MemoryNetwork.compressibleImage(6, 10, 23);
        MemoryImage plain = new MemoryImage(Arrays.copyOf(image, image.length));
        MemoryNetwork net = new MemoryNetwork(image, MIB, config(1), KEY, 1, 0, 3, null, i -> plain);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        ReceiverEngine r = net.receivers.get(0).engine;
        assertTrue(r.verified());
        assertEquals(0, r.bytesReused());
        assertEquals(r.bytesToReceive(), r.bytesReceived());
    }

    @Test
    void aReceiverKilledMidTransferComesBackInTheSameRunAndGetsOnlyWhatItLacks() {
        byte[] image = MemoryNetwork.compressibleImage(16, 99, 24);
        MemoryImage disk = MemoryImage.resuming(new byte[image.length]);
        MemoryNetwork net = new MemoryNetwork(image, MIB, config(2), KEY, 2, 0, 3, null,
                i -> i == 1 ? disk : MemoryImage.empty(image.length));
        MemoryNetwork.Node[] back = new MemoryNetwork.Node[1];
        long[] killedAt = new long[1];
        assertTrue(net.run(120, n -> {
            MemoryNetwork.Node first = n.receivers.get(0);
            if (killedAt[0] == 0 && first.engine.bytesReceived() > first.engine.bytesToReceive() / 2) {
                first.dead = true; // killed: it says nothing more
                killedAt[0] = first.engine.bytesReceived();
            } else if (back[0] == null && killedAt[0] > 0 && n.sender.dataPackets() > 0
                    && n.receivers.get(1).engine.bytesReceived() > n.receivers.get(1).engine.bytesToReceive() * 0.7) {
                back[0] = n.restart(0, disk); // img run again on the same host, onto the same disk
            }
        }), "transfer did not finish: " + net.senderLog + (back[0] == null ? "" : " / came back: " + back[0].log));
        assertTrue(back[0] != null, "the receiver never came back: " + net.senderLog);
        ReceiverEngine again = back[0].engine;
        assertTrue(again.verified(), back[0].log.toString());
        assertArrayEquals(image, disk.bytes());
        assertTrue(net.receivers.get(1).engine.verified());
        assertEquals(1, net.sender.rejoins(), net.senderLog.toString());
        assertTrue(net.senderLog.stream().anyMatch(l -> l.contains("came back during the transfer")), net.senderLog.toString());
        assertEquals(2, net.sender.results().size(), "it took its own place: " + net.sender.results());
        assertTrue(net.sender.results().stream().allMatch(r -> r.outcome() == ReceiverOutcome.VERIFIED), net.sender.results().toString());
        // what it had before the kill it kept; it received the rest, far less than the whole
        assertTrue(again.bytesReused() > 0, back[0].log.toString());
        assertTrue(again.bytesReceived() < again.bytesToReceive() * 0.6, again.bytesReceived() + " of " + again.bytesToReceive());
    }

    @Test
    void aStrangerIsNotTakenDuringTheTransfer() {
        byte[] image = MemoryNetwork.compressibleImage(8, 99, 25);
        // 100 Mbit/s: the transfer lasts longer than the 200 ms between announcements
        SenderConfig slow = new SenderConfig(1400, 100_000_000L, 1, null, Duration.ofSeconds(5), Duration.ofSeconds(2), 8);
        MemoryNetwork net = new MemoryNetwork(image, MIB, slow, KEY, 2, 0, 3, null, null);
        MemoryNetwork.Node late = net.receivers.get(1);
        late.dead = true; // not there at the start
        boolean[] woke = new boolean[1];
        // the stranger listens on for the next transfer (no listen timeout here), so the run ends by time
        net.run(10, n -> {
            if (!woke[0] && n.sender.dataPackets() > 100) {
                woke[0] = true;
                n.receivers.get(1).dead = false; // a host that was never part of the run
            }
        });
        assertTrue(net.sender.finished(), net.senderLog.toString());
        assertTrue(net.receivers.get(0).engine.verified());
        assertEquals(0, net.sender.rejoins());
        assertEquals(1, net.sender.results().size(), net.sender.results().toString());
        assertTrue(late.log.stream().anyMatch(l -> l.contains("already started") || l.contains("started before this receiver")),
                late.log.toString());
    }
}
