package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.wire.FrameWriter;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.TransferKeys;
import dev.imgcast.protocol.wire.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole transfers between the real engines over an in-memory network with simulated time. */
class EngineTransferTest {
    private static final byte[] KEY = TransferKeys.random();

    private static SenderConfig config(int receivers) {
        return new SenderConfig(1400, 2_000_000_000L, receivers, null, Duration.ofSeconds(5), Duration.ofSeconds(2), 8);
    }

    @Test
    void everyReceiverEndsWithAByteIdenticalVerifiedCopyWithoutLoss() {
        byte[] image = MemoryNetwork.image(8, 12345, 1);
        MemoryNetwork net = new MemoryNetwork(image, config(3), KEY, 3, 0);
        assertTrue(net.run(30, null), "transfer did not finish: " + net.senderLog);
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
        assertEquals(0, net.sender.repairPackets());
        assertTrue(net.sender.results().stream().allMatch(r -> r.outcome() == ReceiverOutcome.VERIFIED));
    }

    @Test
    void onASlowLinkTheRateStillClimbsToItsCap() {
        // 8 Mbit/s: slow start begins at 1 Mbit/s, under 64 packets per loss interval. The loss
        // figure must then span several intervals, or the rate never leaves its start.
        long cap = 8_000_000L;
        byte[] image = MemoryNetwork.image(4, 0, 4);
        MemoryNetwork net = new MemoryNetwork(image, new SenderConfig(1400, cap, 2, null, Duration.ofSeconds(5),
                Duration.ofSeconds(2), 8), KEY, 2, 0);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        assertEquals(cap, net.sender.currentRateBitsPerSecond(), net.senderLog.toString());
        // 4 MiB at 8 Mbit/s is 4.2 s on the wire; stuck at the start rate it would take over 30 s
        assertTrue(net.sender.transferNanos() < 8_000_000_000L, "simulated transfer time " + net.sender.transferNanos());
        for (MemoryNetwork.Node node : net.receivers) {
            assertArrayEquals(image, node.target.bytes());
        }
    }

    @Test
    void zeroBlocksAreNeverSent() {
        byte[] image = MemoryNetwork.image(9, 0, 2);
        MemoryNetwork net = new MemoryNetwork(image, config(1), KEY, 1, 0);
        assertTrue(net.run(30, null));
        // 3 of 9 blocks are zero: only 6 blocks of packets travel.
        assertEquals(6L * (((1 << 20) + 1399) / 1400), net.sender.dataPackets());
        assertArrayEquals(image, net.receivers.get(0).target.bytes());
    }

    @Test
    void fivePercentLossOnEveryReceiverLinkStillGivesIdenticalCopies() {
        byte[] image = MemoryNetwork.image(8, 777, 3);
        MemoryNetwork net = new MemoryNetwork(image, config(3), KEY, 3, 0);
        net.receivers.forEach(n -> n.loss = 0.05);
        assertTrue(net.run(60, null), "transfer did not finish: " + net.senderLog);
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
        assertTrue(net.sender.repairPackets() > 0);
        assertTrue(net.sender.round() >= 2);
    }

    @Test
    void aPacketMissedByEveryReceiverIsRepairedOncePerRound() {
        byte[] image = MemoryNetwork.image(4, 0, 4);
        MemoryNetwork net = new MemoryNetwork(image, config(3), KEY, 3, 0);
        // Every receiver loses the same first-pass DATA datagrams: the 100th to the 149th.
        long[] dataSeen = {0};
        net.run(60, n -> {
            boolean firstPass = n.sender.round() <= 1 && n.sender.state() == SenderEngine.State.SENDING;
            long sent = n.sender.dataPackets();
            boolean inWindow = firstPass && sent >= 100 && sent < 150;
            n.receivers.forEach(r -> r.loss = inWindow ? 1.0 : 0.0);
            dataSeen[0] = sent;
        });
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
        }
        // Lost by three receivers, sent again once each (not three times).
        assertTrue(net.sender.repairPackets() <= 60, "repairs: " + net.sender.repairPackets());
    }

    @Test
    void aReceiverThatDiesIsDroppedWithAReasonAndTheOthersFinish() {
        byte[] image = MemoryNetwork.image(16, 0, 5);
        MemoryNetwork net = new MemoryNetwork(image, config(3), KEY, 3, 0);
        assertTrue(net.run(60, n -> {
            if (n.sender.dataPackets() > 3000) {
                n.receivers.get(1).dead = true;
            }
        }), net.senderLog.toString());
        List<ReceiverResult> results = net.sender.results();
        ReceiverResult dead = results.stream().filter(r -> r.host().equals("r2")).findFirst().orElseThrow();
        assertEquals(ReceiverOutcome.DROPPED, dead.outcome());
        assertTrue(dead.message().startsWith("silent for"), dead.message());
        assertTrue(net.receivers.get(0).engine.verified());
        assertTrue(net.receivers.get(2).engine.verified());
        assertArrayEquals(image, net.receivers.get(2).target.bytes());
    }

    @Test
    void aReceiverWhoseDiskFillsUpFailsClearlyAndTheOthersFinish() {
        byte[] image = MemoryNetwork.image(8, 0, 6);
        MemoryNetwork net = new MemoryNetwork(image, config(2), KEY, 2, 0);
        net.receivers.get(0).target.failWritesAfter(2 << 20);
        assertTrue(net.run(60, null), net.senderLog.toString());
        ReceiverEngine full = net.receivers.get(0).engine;
        assertFalse(full.verified());
        assertEquals(ReceiverEngine.Failure.TARGET, full.failure());
        assertTrue(full.message().contains("No space left on device"), full.message());
        ReceiverResult seen = net.sender.results().get(0).host().equals("r1") ? net.sender.results().get(0)
                : net.sender.results().get(1);
        assertEquals(ReceiverOutcome.FAILED, seen.outcome());
        assertTrue(seen.message().contains("No space left"), seen.message());
        assertTrue(net.receivers.get(1).engine.verified());
    }

    @Test
    void forgedAndRandomDatagramsInTheGroupChangeNothing() {
        byte[] image = MemoryNetwork.image(6, 99, 7);
        MemoryNetwork net = new MemoryNetwork(image, config(2), KEY, 2, 0);
        // An attacker that knows the format but not the key: DATA frames full of 0xFF for every block.
        FrameWriter forger = new FrameWriter(UnpooledByteBufAllocator.DEFAULT,
                TransferKeys.forTransfer(TransferKeys.random(), new byte[16], 0x1234).sender(), 0x1234, 0, 0);
        Random random = new Random(11);
        assertTrue(net.run(60, n -> {
            for (int i = 0; i < 3; i++) {
                ByteBuf forged = forger.begin(PacketType.DATA, 0, 8 + 1400);
                forged.writeInt(random.nextInt(6)).writeShort(random.nextInt(749)).writeShort(1);
                forged.writeBytes(new byte[1400]);
                n.multicastInjections.add(forger.finish(forged));
                byte[] junk = new byte[random.nextInt(1500)];
                random.nextBytes(junk);
                n.multicastInjections.add(Unpooled.wrappedBuffer(junk));
            }
        }));
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
            assertTrue(node.engine.counters().get(Verdict.BAD_TAG) > 100);
            assertTrue(node.engine.counters().rejected() > 200);
        }
    }

    @Test
    void aLostAcceptStillLetsTheReceiverTakePart() {
        byte[] image = MemoryNetwork.image(4, 0, 12);
        MemoryNetwork net = new MemoryNetwork(image, config(2), KEY, 2, 0);
        // The sender starts as soon as both are ready; r1 never hears its first ACCEPT, and the
        // transfer is running by the time it asks again.
        boolean[] lost = {false};
        net.loseUnicast = (node, datagram) -> {
            boolean accept = dev.imgcast.protocol.wire.Header.type(datagram) == PacketType.ACCEPT.code();
            if (accept && node.engine == net.receivers.get(0).engine && !lost[0]) {
                lost[0] = true;
                return true;
            }
            return false;
        };
        assertTrue(net.run(30, null), net.senderLog.toString());
        assertTrue(lost[0]);
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
    }

    @Test
    void withoutReceiversTheSenderGivesUpAfterItsStartTimeout() {
        byte[] image = MemoryNetwork.image(1, 0, 8);
        MemoryNetwork net = new MemoryNetwork(image, config(1), KEY, 0, 0);
        assertTrue(net.run(10, null));
        assertTrue(net.sender.endReason().startsWith("no receiver registered within 5.0 s"), net.sender.endReason());
    }

    @Test
    void aReceiverWithTheWrongKeyHearsNoSenderAndSaysWhy() {
        byte[] image = MemoryNetwork.image(1, 0, 9);
        MemoryNetwork net = new MemoryNetwork(image, config(1), KEY, 0, 0);
        MemoryImage target = MemoryImage.empty(image.length);
        List<String> log = new java.util.ArrayList<>();
        ReceiverEngine stranger = new ReceiverEngine(target, TransferKeys.random(), 5, "x", 2_000_000_000L,
                5_000_000_000L, UnpooledByteBufAllocator.DEFAULT, log::add);
        java.net.InetSocketAddress strangerAddress = new java.net.InetSocketAddress("10.0.0.99", 6000);
        stranger.bind(strangerAddress);
        net.receivers.add(new MemoryNetwork.Node(stranger, target, strangerAddress, log));
        net.run(3, null);
        assertTrue(stranger.finished());
        assertEquals(ReceiverEngine.Failure.NETWORK, stranger.failure());
        assertTrue(stranger.message().contains("failed authentication"), stranger.message());
    }

    @Test
    void aReceiverThatRegistersAfterTheStartIsRefusedAndWaitsForTheNextTransfer() {
        byte[] image = MemoryNetwork.image(24, 0, 10);
        SenderConfig slow = new SenderConfig(1400, 500_000_000L, 1, null, null, Duration.ofSeconds(2), 8);
        MemoryNetwork net = new MemoryNetwork(image, slow, KEY, 2, 0);
        MemoryNetwork.Node late = net.receivers.get(1);
        late.dead = true;
        net.run(60, n -> {
            if (n.sender.dataPackets() > 500) {
                late.dead = false;
            }
        });
        assertTrue(net.receivers.get(0).engine.verified());
        assertEquals(ReceiverEngine.State.LISTENING, late.engine.state());
        assertTrue(late.log.stream().anyMatch(m -> m.contains("waiting for the next one")), late.log.toString());
        assertEquals(1, net.sender.results().size());
    }
}
