package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lean target of the scale runs, and the loss models. */
class ScaleTargetTest {
    private static final byte[] IMAGE = new byte[10_000];

    static {
        new Random(3).nextBytes(IMAGE);
    }

    private static byte[] read(ScaleTarget target, int offset, int length, boolean direct) throws IOException {
        ByteBuffer into = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        target.read(into, offset);
        assertFalse(into.hasRemaining());
        byte[] out = new byte[length];
        into.flip().get(out);
        return out;
    }

    private static void write(ScaleTarget target, byte[] bytes, int offset) throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        target.write(direct, offset);
        assertFalse(direct.hasRemaining());
    }

    @Test
    void unwrittenRangesReadAsZerosAndCorrectWritesAsTheImage() throws IOException {
        ScaleTarget target = new ScaleTarget(IMAGE);
        target.prepare(IMAGE.length);
        assertArrayEquals(new byte[IMAGE.length], read(target, 0, IMAGE.length, true));
        write(target, Arrays.copyOfRange(IMAGE, 100, 300), 100);
        write(target, Arrays.copyOfRange(IMAGE, 300, 400), 300); // touches: merged
        byte[] expected = new byte[1000];
        System.arraycopy(IMAGE, 100, expected, 100, 300);
        assertArrayEquals(expected, read(target, 0, 1000, false));
        assertEquals(300, target.writtenBytes());
        assertEquals(0, target.differingBytes());
        assertFalse(target.holdsImage());
        write(target, Arrays.copyOfRange(IMAGE, 0, 5000), 0);
        write(target, Arrays.copyOfRange(IMAGE, 5000, IMAGE.length), 5000);
        assertTrue(target.holdsImage());
        assertArrayEquals(IMAGE, read(target, 0, IMAGE.length, true));
    }

    @Test
    void aWrongWriteIsKeptAsWrittenUntilACorrectOneReplacesIt() throws IOException {
        ScaleTarget target = new ScaleTarget(IMAGE);
        byte[] wrong = Arrays.copyOfRange(IMAGE, 0, IMAGE.length);
        wrong[2000] ^= 1;
        wrong[2010] ^= (byte) 0x80;
        write(target, wrong, 0);
        assertEquals(1, target.mismatchedWrites());
        assertEquals(11, target.differingBytes()); // first to last differing byte
        assertFalse(target.holdsImage());
        assertArrayEquals(wrong, read(target, 0, IMAGE.length, true)); // read back as written: CRCs see it
        assertArrayEquals(Arrays.copyOfRange(wrong, 2005, 2020), read(target, 2005, 15, false));
        // a correct write over part of it leaves the rest differing
        write(target, Arrays.copyOfRange(IMAGE, 1990, 2005), 1990);
        assertEquals(6, target.differingBytes());
        assertEquals(wrong[2010], read(target, 2010, 1, false)[0]);
        write(target, Arrays.copyOfRange(IMAGE, 2005, 2100), 2005);
        assertTrue(target.holdsImage());
        assertArrayEquals(IMAGE, read(target, 0, IMAGE.length, false));
    }

    @Test
    void compressedBlocksWaitingInTheTargetAreReadBackAsWrittenAndTheCopiesVerify() {
        byte[] image = MemoryNetwork.compressibleImage(40, 0, 21);
        SenderConfig config = new SenderConfig(1400, 500_000_000L, 2, null, java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(2), 8);
        MemoryNetwork net = new MemoryNetwork(image, 1 << 20, config, ScaleRun.KEY, 2, 0,
                dev.imgcast.protocol.image.BlockCodec.AUTO_LEVEL, null, i -> new ScaleTarget(image));
        net.receivers.forEach(n -> n.loss = 0.3); // blocks stay incomplete, leave the window and wait in the target
        assertTrue(net.run(120, null), net.senderLog.toString());
        for (MemoryNetwork.Node node : net.receivers) {
            ScaleTarget target = (ScaleTarget) node.image;
            assertTrue(node.engine.verified(), node.log.toString());
            assertTrue(target.mismatchedWrites() > 0, "no stored form waited in the target");
            assertEquals(0, target.differingBytes());
        }
    }

    @Test
    void accessOutsideTheImageFails() {
        ScaleTarget target = new ScaleTarget(IMAGE);
        assertThrows(IOException.class, () -> write(target, new byte[10], IMAGE.length - 5));
        assertThrows(IOException.class, () -> read(target, IMAGE.length, 1, false));
        assertTrue(target.check(IMAGE.length + 1L, 0).contains("holds"));
    }

    @Test
    void lossModelsLoseTheirShareAndBurstyLossComesInBursts() {
        LossModel independent = LossModel.independent(0.05, 1);
        LossModel bursty = LossModel.gilbertElliott(0.05, 50, 24_000, 1);
        int n = 2_000_000;
        int lostIndependent = 0;
        int lostBursty = 0;
        int bursts = 0;
        boolean previous = false;
        for (int i = 0; i < n; i++) {
            lostIndependent += independent.lose(i) ? 1 : 0;
            // a datagram every packet time, sometimes four at once: each still takes a step
            boolean lost = bursty.lose(i / 4 * 4 * 24_000L);
            lostBursty += lost ? 1 : 0;
            bursts += lost && !previous ? 1 : 0;
            previous = lost;
        }
        assertEquals(0.05, (double) lostIndependent / n, 0.002);
        assertEquals(0.05, (double) lostBursty / n, 0.01);
        assertEquals(50, (double) lostBursty / bursts, 8);
        assertFalse(LossModel.none().lose(0));
    }

    @Test
    void burstyLossIsAStretchOfTimeWhetherTheLinkIsBusyOrIdle() {
        // one datagram every 100 packet times: bursts of 50 packet times rarely cover two in a row
        LossModel sparse = LossModel.gilbertElliott(0.05, 50, 24_000, 2);
        int n = 200_000;
        int lost = 0;
        int lostTwice = 0;
        boolean previous = false;
        for (int i = 0; i < n; i++) {
            boolean l = sparse.lose(i * 100 * 24_000L);
            lost += l ? 1 : 0;
            lostTwice += l && previous ? 1 : 0;
            previous = l;
        }
        assertEquals(0.05, (double) lost / n, 0.005);
        assertTrue(lostTwice < lost * 0.3, lostTwice + " of " + lost);
    }

    @Test
    void aSlowLinkPassesItsCapacityAndDropsTheRest() {
        SlowLink link = new SlowLink(250_000_000L);
        long now = 0;
        int passed = 0;
        int sent = 0;
        // 1 s of full-size datagrams at 500 Mbit/s on the wire
        for (; now < 1_000_000_000L; now += 23_900) {
            sent++;
            passed += link.drop(1456, now) ? 0 : 1;
        }
        assertEquals(0.5, (double) passed / sent, 0.01);
        assertEquals(sent - passed, link.dropped());
    }
}
