package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.image.BlockCodec;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.image.PackedBlocks;
import dev.imgcast.protocol.image.StoredBlocks;
import dev.imgcast.protocol.wire.TransferKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Compressed blocks end to end on the real engines, and what happens to a block that does not inflate right. */
class CompressionTest {
    private static final byte[] KEY = TransferKeys.random();

    private static SenderConfig config(int receivers) {
        return new SenderConfig(1400, 2_000_000_000L, receivers, null, Duration.ofSeconds(5), Duration.ofSeconds(2), 8);
    }

    @Test
    void aCompressedTransferUnderFivePercentLossIsBitExactAndSendsLess() {
        byte[] image = MemoryNetwork.compressibleImage(12, 4321, 5);
        MemoryNetwork net = new MemoryNetwork(image, config(3), KEY, 3, 0, BlockCodec.AUTO_LEVEL, null);
        net.receivers.forEach(n -> n.loss = 0.05);
        assertTrue(net.manifest.storedBytes() < net.manifest.bytesToSend() * 0.8,
                net.manifest.storedBytes() + " of " + net.manifest.bytesToSend());
        assertTrue(net.run(120, null), net.senderLog.toString());
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
        assertTrue(net.sender.repairPackets() > 0);
        // first pass: the stored forms, not the raw image
        long firstPass = net.sender.payloadBytesSent() - net.sender.repairPackets() * 1400L;
        assertTrue(firstPass <= net.manifest.storedBytes(), firstPass + " > " + net.manifest.storedBytes());
    }

    @Test
    void anImageSentFromItsPackedFormUnderFivePercentLossIsBitExact() {
        byte[] image = MemoryNetwork.compressibleImage(9, 777, 12);
        int[] packedBytes = {0};
        MemoryNetwork net = new MemoryNetwork(image, config(2), KEY, 2, 0, BlockCodec.AUTO_LEVEL, (source, manifest) -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (ImageBlocks fresh = new ImageBlocks(source, manifest, 0)) {
                PackedBlocks.write(fresh, manifest, java.nio.channels.Channels.newChannel(out), null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            packedBytes[0] = out.size();
            // what multicast-sender does: the stored forms as kept, nothing compressed again
            return new PackedBlocks(new MemoryImage(out.toByteArray()), manifest);
        });
        net.receivers.forEach(n -> n.loss = 0.05);
        assertEquals(net.manifest.storedBytes(), packedBytes[0]);
        assertTrue(net.run(120, null), net.senderLog.toString());
        for (MemoryNetwork.Node node : net.receivers) {
            assertTrue(node.engine.verified(), node.log.toString());
            assertArrayEquals(image, node.target.bytes());
        }
        assertTrue(net.sender.repairPackets() > 0);
    }

    @Test
    void aBlockThatArrivesDamagedIsRejectedUnwrittenAndSentAgain() {
        byte[] image = MemoryNetwork.compressibleImage(6, 0, 6);
        int victim = 1;
        int[] served = {0};
        MemoryNetwork net = new MemoryNetwork(image, config(1), KEY, 1, 0, BlockCodec.AUTO_LEVEL,
                (source, manifest) -> new StoredBlocks() {
                    private final ImageBlocks real = new ImageBlocks(source, manifest, 0);

                    @Override
                    public ByteBuffer stored(int block) throws IOException {
                        ByteBuffer b = real.stored(block);
                        if (block == victim && served[0]++ == 0) {
                            ByteBuffer bad = ByteBuffer.allocateDirect(b.remaining());
                            bad.put(b.duplicate()).flip();
                            bad.put(100, (byte) (bad.get(100) ^ 0x40)); // damaged on its way: same length
                            return bad;
                        }
                        return b;
                    }

                    @Override
                    public void close() {
                        real.close();
                    }
                });
        assertTrue(net.manifest.isCompressed(victim));
        MemoryNetwork.Node node = net.receivers.get(0);
        assertTrue(net.run(60, n -> {
            // until the repair, the victim's region holds nothing of the damaged block's content
            if (node.engine.inflateFailures() == 1 && net.sender.repairPackets() == 0) {
                byte[] region = java.util.Arrays.copyOfRange(node.target.bytes(), victim << 20, (victim + 1) << 20);
                assertTrue(!java.util.Arrays.equals(region, java.util.Arrays.copyOfRange(image, victim << 20,
                        (victim + 1) << 20)));
            }
        }), net.senderLog.toString());
        assertEquals(1, node.engine.inflateFailures());
        assertTrue(node.engine.verified(), node.log.toString());
        assertArrayEquals(image, node.target.bytes());
        assertTrue(net.sender.round() >= 2);
        assertTrue(node.log.stream().anyMatch(l -> l.contains("block 1 rejected, nothing of it written")), node.log.toString());
    }

    @Test
    void framesOfTheWrongLengthOrContentAreRejectedAndNothingIsWritten() {
        int size = 3 << 20;
        byte[] raw = MemoryNetwork.compressibleImage(3, 0, 8);
        // Block 0's manifest entry describes a frame that passes its stored CRC but inflates wrong.
        byte[] shortFrame = frameOf(java.util.Arrays.copyOf(raw, (1 << 20) - 1));
        byte[] otherFrame = frameOf(MemoryNetwork.compressibleImage(1, 0, 99));
        for (byte[] frame : new byte[][] {shortFrame, otherFrame, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}}) {
            MemoryImage target = MemoryImage.empty(size);
            Manifest manifest = manifestWithBlock0(raw, frame);
            BlockInflater inflater = new BlockInflater(target, manifest, Runnable::run);
            inflater.submit(0, ByteBuffer.allocateDirect(frame.length).put(frame).flip());
            BlockInflater.Done done = inflater.drain().get(0);
            assertTrue(done.outcome() == BlockInflater.Outcome.BAD_FRAME || done.outcome() == BlockInflater.Outcome.BAD_CONTENT,
                    done.toString());
            assertArrayEquals(new byte[size], target.bytes(), "nothing written");
        }
        MemoryImage target = MemoryImage.empty(size);
        BlockInflater inflater = new BlockInflater(target, manifestWithBlock0(raw, frameOf(java.util.Arrays.copyOf(raw,
                1 << 20))), Runnable::run);
        byte[] good = frameOf(java.util.Arrays.copyOf(raw, 1 << 20));
        ByteBuffer damaged = ByteBuffer.allocateDirect(good.length).put(good).flip();
        damaged.put(10, (byte) (damaged.get(10) ^ 1));
        inflater.submit(0, damaged);
        assertEquals(BlockInflater.Outcome.BAD_STORED_CRC, inflater.drain().get(0).outcome());
        inflater.submit(0, ByteBuffer.allocateDirect(good.length).put(good).flip());
        assertEquals(BlockInflater.Outcome.WRITTEN, inflater.drain().get(0).outcome());
        assertArrayEquals(java.util.Arrays.copyOf(raw, 1 << 20), java.util.Arrays.copyOf(target.bytes(), 1 << 20));
    }

    private static byte[] frameOf(byte[] content) {
        try (BlockCodec codec = new BlockCodec(3)) {
            ByteBuffer in = ByteBuffer.allocateDirect(content.length).put(content).flip();
            ByteBuffer out = ByteBuffer.allocateDirect(BlockCodec.bound(content.length));
            int n = codec.compress(in, out);
            assertTrue(n > 0);
            byte[] frame = new byte[n];
            out.get(0, frame);
            return frame;
        }
    }

    private static Manifest manifestWithBlock0(byte[] raw, byte[] frame) {
        int blocks = raw.length >> 20;
        int[] crc = new int[blocks];
        int[] stored = new int[blocks];
        int[] storedCrc = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            CRC32C c = new CRC32C();
            c.update(raw, b << 20, 1 << 20);
            crc[b] = (int) c.getValue();
            stored[b] = 1 << 20;
            storedCrc[b] = crc[b];
        }
        CRC32C c = new CRC32C();
        c.update(frame);
        stored[0] = frame.length;
        storedCrc[0] = (int) c.getValue();
        return new Manifest(raw.length, 1 << 20, new byte[32], crc, new BitSet(), 3, stored, storedCrc);
    }
}
