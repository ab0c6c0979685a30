package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.wire.Header;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.TransferKeys;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Parity repair between the real engines, on the v2 data plane (every datagram encrypted, blocks
 * compressed with zstd where it pays): repair rounds send parity symbols, each filling a different
 * hole at every receiver; a wrong symbol never ends in a copy; a receiver that missed everything
 * completes; parity sent ahead spares the repair round; a large group reports little.
 */
class ParityRepairTest {
    private static final byte[] KEY = TransferKeys.random();
    private static final int LEVEL = 3;

    private static SenderConfig config(int receivers) {
        return new SenderConfig(1400, 2_000_000_000L, receivers, null, Duration.ofSeconds(5), Duration.ofSeconds(2), 8);
    }

    private static MemoryNetwork network(byte[] image, SenderConfig config, int receivers) {
        return new MemoryNetwork(image, config, KEY, receivers, 0, LEVEL, null);
    }

    private static void assertExactCopies(byte[] image, MemoryNetwork net) {
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
    }

    @Test
    void repairRoundsSendParityThatEachReceiverUsesForItsOwnHoles() {
        byte[] image = MemoryNetwork.compressibleImage(8, 4321, 11);
        MemoryNetwork net = network(image, config(4), 4);
        net.receivers.forEach(n -> n.loss = 0.03);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertTrue(net.sender.parityPackets() > 0, "no parity sent");
        assertEquals(net.sender.repairPackets(), net.sender.parityPackets(), "every repair was a parity symbol");
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.packetsRebuilt() > 0, "nothing rebuilt at " + node.address);
        }
        // The union of four receivers' losses is about 4 × 3% of the packets; parity follows the worst one.
        long first = net.sender.dataPackets();
        assertTrue(net.sender.repairPackets() < first * 0.09, net.sender.repairPackets() + " repairs for " + first);
    }

    @Test
    void lossInBurstsOnEveryLinkIsRepairedByParity() {
        byte[] image = MemoryNetwork.compressibleImage(10, 0, 12);
        MemoryNetwork net = network(image, config(3), 3);
        Random random = new Random(5);
        boolean[] bad = new boolean[3];
        // About 50 datagrams per burst at this rate (3.5 per 20 µs step), 5% of the time.
        assertTrue(net.run(60, n -> {
            for (int i = 0; i < 3; i++) {
                bad[i] = bad[i] ? random.nextDouble() >= 1.0 / 14 : random.nextDouble() < 0.05 / 0.95 / 14;
                n.receivers.get(i).loss = bad[i] ? 1 : 0;
            }
        }), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertTrue(net.receivers.stream().allMatch(n -> n.engine.packetsRebuilt() > 0));
    }

    @Test
    void aWrongParitySymbolNeverEndsInACopy() {
        byte[] image = MemoryNetwork.compressibleImage(8, 100, 13);
        MemoryNetwork net = network(image, config(3), 3);
        net.sender.corruptParity = n -> n % 5 == 0; // a faulty sender: every fifth symbol is wrong
        net.receivers.forEach(n -> n.loss = 0.03);
        assertTrue(net.run(120, null), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        long rejected = net.receivers.stream().mapToLong(n -> n.engine.crcFailures() + n.engine.inflateFailures()).sum();
        assertTrue(rejected > 0, "no block was rebuilt from a wrong symbol, the test proves nothing");
    }

    @Test
    void aReceiverThatMissedTheWholeFirstPassCompletes() {
        byte[] image = MemoryNetwork.compressibleImage(6, 0, 14);
        MemoryNetwork net = network(image, config(2), 2);
        MemoryNetwork.Node late = net.receivers.get(0);
        assertTrue(net.run(60, n -> late.loss = n.sender.round() == 1 && n.sender.state() == SenderEngine.State.SENDING
                ? 1 : 0), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        // Groups someone misses whole travel as they are: as good as parity for everyone, and nobody decodes.
        assertTrue(net.sender.repairPackets() >= net.sender.dataPackets(), net.sender.repairPackets() + " repairs");
        assertEquals(0, late.engine.packetsRebuilt());
    }

    @Test
    void aReceiverThatMissedMostOfTheFirstPassRebuildsItFromParity() {
        byte[] image = MemoryNetwork.compressibleImage(6, 0, 19);
        MemoryNetwork net = network(image, config(2), 2);
        MemoryNetwork.Node poor = net.receivers.get(0);
        assertTrue(net.run(60, n -> poor.loss = n.sender.round() == 1 && n.sender.state() == SenderEngine.State.SENDING
                ? 0.6 : 0), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertEquals(0, net.receivers.get(1).engine.packetsRebuilt(), "the other receiver lost nothing");
        assertTrue(poor.engine.packetsRebuilt() > net.sender.dataPackets() / 3,
                poor.engine.packetsRebuilt() + " rebuilt of " + net.sender.dataPackets());
    }

    @Test
    void parityAheadSparesTheRepairRoundOnALossyNetwork() {
        byte[] image = MemoryNetwork.image(8, 0, 15);
        MemoryNetwork net = network(image, config(3).withFec(10), 3);
        net.receivers.forEach(n -> n.loss = 0.01);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertEquals(1, net.sender.round(), net.senderLog.toString());
        assertEquals(0, net.sender.repairPackets());
        assertTrue(net.sender.parityPackets() > net.sender.dataPackets() / 20);
    }

    @Test
    void aLargeGroupIsCoveredByTheRepairFloorAndBarelyReports() {
        int receivers = 40;
        byte[] image = MemoryNetwork.image(4, 999, 16);
        MemoryNetwork net = network(image, config(receivers), receivers);
        net.receivers.forEach(n -> n.loss = 0.02);
        assertTrue(net.run(120, null), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        // The floor aims at about 8 reports from the whole group (RepairFloor.REPORTS_AIMED_AT), not 40.
        assertTrue(net.sender.mostRoundReportsInARound() <= receivers / 2,
                net.sender.mostRoundReportsInARound() + " reports in one round from " + receivers + " receivers");
    }

    @Test
    void outliersReportAndThePlanSparesTheOthers() {
        int receivers = 30;
        byte[] image = MemoryNetwork.image(6, 0, 18);
        MemoryNetwork net = network(image, config(receivers), receivers);
        net.receivers.forEach(n -> n.loss = 0.01);
        Random random = new Random(9);
        boolean[] bad = new boolean[receivers];
        // A third of the receivers lose in bursts of about 200 datagrams: far more in one group than
        // independent loss of the same share, so more than the floor covers.
        assertTrue(net.run(120, n -> {
            for (int i = 0; i < receivers; i += 3) {
                bad[i] = bad[i] ? random.nextDouble() >= 1.0 / 57 : random.nextDouble() < 0.03 / 0.97 / 57;
                n.receivers.get(i).loss = bad[i] ? 1 : 0.01;
            }
        }), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertTrue(net.sender.roundReports() > 0, "nobody reported: the test proves nothing");
        assertTrue(net.sender.planDatagrams() > 0, "the sender never told what it planned");
        assertTrue(net.sender.mostRoundReportsInARound() < receivers / 2,
                net.sender.mostRoundReportsInARound() + " reports in one round from " + receivers + " receivers");
    }

    @Test
    void aReceiverWhoseRoundReportsAreLostAsksAgainWhenAskedToVerify() {
        int receivers = 20;
        byte[] image = MemoryNetwork.image(4, 0, 17);
        MemoryNetwork net = network(image, config(receivers), receivers);
        MemoryNetwork.Node unlucky = net.receivers.get(3);
        unlucky.loss = 0.05;
        // Everything it says in round 1 is lost: the sender neither knows its loss nor hears its report.
        net.loseToSender = (node, datagram) -> node == unlucky && Header.type(datagram) == PacketType.STATUS.code()
                && net.sender.round() == 1 && net.sender.state() != SenderEngine.State.VERIFYING;
        assertTrue(net.run(120, null), "transfer did not finish: " + net.senderLog);
        assertExactCopies(image, net);
        assertTrue(net.senderLog.stream().anyMatch(l -> l.contains("repair resumes")), net.senderLog.toString());
    }
}
