package dev.imgcast.protocol.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static byte[] image() {
        byte[] bytes = new byte[5 * 4096 + 100];
        new Random(9).nextBytes(bytes);
        Arrays.fill(bytes, 4096, 8192, (byte) 0);
        Arrays.fill(bytes, 5 * 4096, bytes.length, (byte) 0);
        return bytes;
    }

    @Test
    void scanFindsZeroBlocksChecksumsAndTheImageHash() throws Exception {
        byte[] bytes = image();
        Manifest m = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, null);
        assertEquals(6, m.blockCount());
        assertTrue(m.isZero(1));
        assertTrue(m.isZero(5));
        assertFalse(m.isZero(0));
        assertEquals(2, m.zeroBlockCount());
        assertEquals(4L * 4096, m.bytesToSend());
        CRC32C crc = new CRC32C();
        crc.update(bytes, 2 * 4096, 4096);
        assertEquals((int) crc.getValue(), m.crc32c(2));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes), m.sha256());
    }

    @Test
    void serializedManifestsParseBackEqual() throws Exception {
        byte[] bytes = image();
        Manifest m = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, null);
        byte[] wire = m.serialize();
        assertEquals(m.serializedLength(), wire.length);
        assertEquals(m, Manifest.parse(wire));
    }

    @Test
    void malformedManifestsAreRejected() throws Exception {
        byte[] bytes = image();
        byte[] wire = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, null).serialize();
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(Arrays.copyOf(wire, wire.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(new byte[10]));
        byte[] badMagic = wire.clone();
        badMagic[0] = 0;
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(badMagic));
        byte[] badGeometry = wire.clone();
        badGeometry[23] = 99; // block count
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(badGeometry));
    }

    @Test
    void anEmptyImageHasNoBlocks() throws Exception {
        Manifest m = ManifestScanner.scan(new MemoryImage(new byte[0]), 0, 4096, null);
        assertEquals(0, m.blockCount());
        assertEquals(m, Manifest.parse(m.serialize()));
    }

    @Test
    void layoutCutsBlocksIntoPackets() {
        ImageLayout layout = new ImageLayout(3L * 4096 + 10, 4096, 1400);
        assertEquals(4, layout.blockCount());
        assertEquals(3, layout.packetsPerBlock());
        assertEquals(1296, layout.packetLength(0, 2));
        assertEquals(1, layout.packetsInBlock(3));
        assertEquals(10, layout.packetLength(3, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageLayout(10, 100, 1400));
        assertThrows(IllegalArgumentException.class, () -> new ImageLayout(10, 4096, 100));
    }

    @Test
    void sizesParseTheWayAdminsWriteThem() {
        assertEquals(1 << 20, Sizes.parseBytes("1M"));
        assertEquals(1400, Sizes.parseBytes("1400"));
        assertEquals(500_000_000L, Sizes.parseBitRate("500m"));
        assertEquals(1_000_000_000L, Sizes.parseBitRate("1g"));
        assertEquals(90_000_000L, Sizes.parseBitRate("90000k"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseBitRate("fast"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseBytes("-5"));
    }

    @Test
    void compressedManifestsRecordBothFormsAndRoundTrip() throws Exception {
        byte[] bytes = new byte[5 * 4096 + 100];
        new Random(3).nextBytes(bytes);
        Arrays.fill(bytes, 4096, 3 * 4096, (byte) 'a'); // blocks 1 and 2 compress; 0, 3 and the tail do not
        Arrays.fill(bytes, 4 * 4096, 5 * 4096, (byte) 0); // block 4 is zero
        Manifest m = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, 1, 2, null);
        assertEquals(1, m.level());
        assertTrue(m.isCompressed(1) && m.isCompressed(2));
        assertTrue(!m.isCompressed(0) && !m.isCompressed(3) && !m.isCompressed(4) && !m.isCompressed(5));
        assertEquals(4096, m.storedLength(0));
        assertEquals(0, m.storedLength(4));
        assertEquals(m.crc32c(0), m.storedCrc32c(0));
        assertTrue(m.storedLength(1) < 100, "stored " + m.storedLength(1));
        assertTrue(m.storedBytes() < m.bytesToSend());
        assertEquals(m, Manifest.parse(m.serialize()));
        Manifest raw = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, null);
        assertArrayEquals(raw.sha256(), m.sha256());
        assertEquals(0, raw.level());
        assertEquals(raw.bytesToSend(), raw.storedBytes());
        ImageLayout layout = m.layout(1400);
        assertEquals(3, layout.packetsInBlock(0));
        assertEquals(1, layout.packetsInBlock(1));
        assertEquals(m.storedLength(1), layout.packetLength(1, 0));
    }

    @Test
    void aVersionOneManifestFromAnOlderStoreStillParsesAsRaw() throws Exception {
        byte[] bytes = new byte[3 * 4096];
        new Random(4).nextBytes(bytes);
        Manifest m = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, null);
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(Manifest.HEADER_LENGTH + 1 + 4 * 3);
        v1.putInt(Manifest.MAGIC).put((byte) 1).put((byte) 0).putShort((short) 0).putLong(bytes.length).putInt(4096)
                .putInt(3).put(m.sha256()).put((byte) 0);
        for (int b = 0; b < 3; b++) {
            v1.putInt(m.crc32c(b));
        }
        assertEquals(m, Manifest.parse(v1.array()));
    }

    @Test
    void theSenderNoticesASourceThatChangedSinceItsManifest() throws Exception {
        byte[] bytes = new byte[2 * 4096];
        Arrays.fill(bytes, (byte) 'x');
        Manifest m = ManifestScanner.scan(new MemoryImage(bytes), bytes.length, 4096, 1, 0, null);
        bytes[5000] = 'y';
        try (ImageBlocks blocks = new ImageBlocks(new MemoryImage(bytes), m, 1)) {
            assertEquals(m.storedLength(0), blocks.stored(0).remaining());
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> blocks.stored(1));
            assertTrue(e.getMessage().contains("block 1 of the image changed since its manifest was made"), e.getMessage());
        }
    }
}
