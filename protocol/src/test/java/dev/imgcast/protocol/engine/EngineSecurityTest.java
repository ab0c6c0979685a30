package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.wire.Header;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.TransferKeys;
import dev.imgcast.protocol.wire.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attacks that need no key, on the real engines over the in-memory network: a hostile host that
 * re-sends the sender's announcements and relays receivers' JOINs, a recording of an earlier
 * transfer played back, datagrams replayed within a transfer, and a peer of wire format v1.
 */
class EngineSecurityTest {
    private static final InetSocketAddress HOSTILE = new InetSocketAddress("10.0.0.66", 5000);

    private static SenderConfig config(int receivers) {
        return new SenderConfig(1400, 2_000_000_000L, receivers, null, Duration.ofSeconds(20), Duration.ofSeconds(2), 8);
    }

    @Test
    void aHostRepeatingTheSendersAnnouncementsAndRelayingJoinsHijacksNobody() {
        byte[] key = TransferKeys.random();
        byte[] image = MemoryNetwork.image(6, 777, 21);
        MemoryNetwork net = new MemoryNetwork(image, config(3), key, 3, 0);
        List<ByteBuf> announces = new ArrayList<>();
        net.tapSender = (datagram, to) -> {
            if (to == null && Header.type(datagram) == PacketType.ANNOUNCE.code()) {
                announces.add(datagram.copy());
            }
        };
        // The real JOINs of the first second are lost; the hostile host relays copies of them first.
        net.loseToSender = (node, datagram) -> net.now < 2_000_000_000L && Header.type(datagram) == PacketType.JOIN.code();
        net.tapReceiver = (node, datagram) -> {
            if (Header.type(datagram) == PacketType.JOIN.code()) {
                net.toSender.add(new MemoryNetwork.Injected(datagram.copy(), HOSTILE));
            }
        };
        // The receivers start listening only after the hostile host has been repeating for a while.
        for (MemoryNetwork.Node node : net.receivers) {
            node.dead = true;
        }
        ByteBuf[] latest = {null};
        long[] step = {0};
        assertTrue(net.run(60, n -> {
            for (ByteBuf a : announces) {
                if (latest[0] != null) {
                    latest[0].release();
                }
                latest[0] = a;
            }
            announces.clear();
            // 1000 copies a second of the sender's latest announcement, from the hostile host
            if (latest[0] != null && step[0]++ % 50 == 0) {
                n.toReceivers.add(new MemoryNetwork.Injected(latest[0].copy(), HOSTILE));
            }
            if (n.now > 1_300_000_000L) {
                n.receivers.forEach(node -> node.dead = false);
            }
        }), net.senderLog.toString());
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
            assertTrue(node.engine.counters().get(Verdict.WRONG_ADDRESS) > 10, node.engine.counters().rejections()
                    .toString());
        }
        assertEquals(0, net.strayUnicasts, "receivers talked to a host that is not the sender");
        assertEquals(3, net.sender.results().size());
        for (ReceiverResult r : net.sender.results()) {
            assertEquals(ReceiverOutcome.VERIFIED, r.outcome());
            assertFalse(r.address().equals(HOSTILE.getAddress().getHostAddress()), r.toString());
        }
        assertTrue(net.sender.counters().get(Verdict.WRONG_ADDRESS) > 0, net.sender.counters().rejections().toString());
        assertTrue(net.senderLog.stream().anyMatch(l -> l.contains("refused a JOIN relayed by 10.0.0.66")),
                net.senderLog.toString());
    }

    @Test
    void aRecordedEarlierTransferPlayedBackBeforeAndDuringANewOneWritesNothing() {
        byte[] key = TransferKeys.fromPassphrase("same passphrase", "lab");
        byte[] oldImage = MemoryNetwork.image(4, 100, 31);
        MemoryNetwork first = new MemoryNetwork(oldImage, config(2), key, 2, 0);
        List<MemoryNetwork.Injected> recording = new ArrayList<>();
        first.tapSender = (datagram, to) -> recording.add(new MemoryNetwork.Injected(datagram.copy(),
                MemoryNetwork.SENDER_ADDRESS));
        assertTrue(first.run(60, null), first.senderLog.toString());
        assertTrue(first.receivers.get(0).engine.verified());

        byte[] newImage = MemoryNetwork.image(4, 100, 32);
        MemoryNetwork second = new MemoryNetwork(newImage, config(2), key, 2, 0);
        // The new sender starts late; until then and after, the recording plays, as spoofed as it gets:
        // from the real sender's address, to everyone, over and over.
        second.senderStartsAt = second.now + 3_000_000_000L;
        int[] cursor = {0};
        assertTrue(second.run(90, n -> {
            for (int i = 0; i < 4; i++) {
                MemoryNetwork.Injected next = recording.get(cursor[0]++ % recording.size());
                n.toReceivers.add(new MemoryNetwork.Injected(next.datagram().copy(), next.from()));
            }
        }), second.senderLog.toString());
        for (MemoryNetwork.Node node : second.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(newImage, node.target.bytes());
            long rejected = node.engine.counters().get(Verdict.REPLAYED) + node.engine.counters().get(Verdict.BAD_TAG);
            assertTrue(rejected > 100, node.engine.counters().rejections().toString());
        }
        recording.forEach(r -> r.datagram().release());
    }

    @Test
    void aRecordingAloneNeverGetsAReceiverPastRegistration() {
        byte[] key = TransferKeys.random();
        byte[] oldImage = MemoryNetwork.image(3, 0, 41);
        MemoryNetwork first = new MemoryNetwork(oldImage, config(1), key, 1, 0);
        List<ByteBuf> recording = new ArrayList<>();
        first.tapSender = (datagram, to) -> recording.add(datagram.copy());
        assertTrue(first.run(60, null));

        MemoryNetwork replay = new MemoryNetwork(oldImage, config(1), key, 1, 20_000_000_000L);
        replay.senderStartsAt = Long.MAX_VALUE; // no real sender at all
        int[] cursor = {0};
        replay.run(12, n -> {
            for (int i = 0; i < 4; i++) {
                n.toReceivers.add(new MemoryNetwork.Injected(recording.get(cursor[0]++ % recording.size()).copy(),
                        MemoryNetwork.SENDER_ADDRESS));
            }
        });
        MemoryNetwork.Node node = replay.receivers.get(0);
        assertFalse(node.engine.verified());
        assertEquals(0, node.engine.bytesReceived());
        assertArrayEquals(new byte[oldImage.length], node.target.bytes(), "nothing may be written");
        assertTrue(node.engine.counters().get(Verdict.REPLAYED) > 0, node.engine.counters().rejections().toString());
        assertTrue(node.log.stream().anyMatch(l -> l.contains("answers none of this receiver's registrations")
                || l.contains("started before this receiver was registered")), node.log.toString());
        assertEquals(ReceiverEngine.State.LISTENING, node.engine.state());
        recording.forEach(ByteBuf::release);
    }

    @Test
    void dataReplayedWithinATransferIsRejectedAndCounted() {
        byte[] image = MemoryNetwork.image(4, 0, 51);
        MemoryNetwork net = new MemoryNetwork(image, config(1), TransferKeys.random(), 1, 0);
        List<ByteBuf> data = new ArrayList<>();
        net.tapSender = (datagram, to) -> {
            if (Header.type(datagram) == PacketType.DATA.code() && data.size() < 200) {
                data.add(datagram.copy());
            }
        };
        assertTrue(net.run(60, n -> {
            if (data.size() == 200) {
                data.forEach(d -> n.toReceivers.add(new MemoryNetwork.Injected(d, MemoryNetwork.SENDER_ADDRESS)));
                data.add(Unpooled.EMPTY_BUFFER); // only once
            }
        }));
        MemoryNetwork.Node node = net.receivers.get(0);
        assertTrue(node.engine.verified());
        assertArrayEquals(image, node.target.bytes());
        assertEquals(200, node.engine.counters().get(Verdict.REPLAYED), node.engine.counters().rejections().toString());
    }

    @Test
    void aReceiverHearingOnlyAWireFormatV1SenderSaysSoPromptly() {
        byte[] image = MemoryNetwork.image(1, 0, 61);
        MemoryNetwork net = new MemoryNetwork(image, config(1), TransferKeys.random(), 1, 60_000_000_000L);
        net.senderStartsAt = Long.MAX_VALUE;
        net.run(5, n -> n.toReceivers.add(new MemoryNetwork.Injected(v1Announce(), HOSTILE)));
        MemoryNetwork.Node node = net.receivers.get(0);
        assertTrue(node.engine.finished());
        assertEquals(ReceiverEngine.Failure.NETWORK, node.engine.failure());
        assertTrue(node.engine.message().contains("speaks imgcast wire format v1"), node.engine.message());
        assertTrue(node.engine.counters().get(Verdict.OLD_VERSION) > 0);
    }

    /** What an img of wire format v1 multicast: its 24-byte header, a 60-byte ANNOUNCE, a 16-byte tag. */
    private static ByteBuf v1Announce() {
        ByteBuf b = Unpooled.buffer(100);
        b.writeInt(Header.MAGIC).writeByte(1).writeByte(1).writeShort(0).writeInt(0x777).writeInt(0).writeInt(0);
        b.writeShort(60).writeShort(0);
        b.writeZero(60 + 16);
        return b;
    }
}
