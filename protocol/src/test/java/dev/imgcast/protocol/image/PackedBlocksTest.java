package dev.imgcast.protocol.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed form: what image-store keeps and multicast-sender sends from, checked block by block. */
class PackedBlocksTest {
    private static final int BLOCK = 64 * 1024;

    /** Blocks of text (compress), random (stay raw), zero (left out), and a short last block. */
    private static byte[] image() {
        byte[] bytes = new byte[7 * BLOCK + 1000];
        Random random = new Random(3);
        byte[] text = "usr/lib/x86_64-linux-gnu/libc.so.6 GLIBC_2.34\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = text[i % text.length];
        }
        byte[] noise = new byte[BLOCK];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, bytes, 2 * BLOCK, BLOCK);
        Arrays.fill(bytes, 3 * BLOCK, 5 * BLOCK, (byte) 0);
        return bytes;
    }

    private static Manifest manifest(byte[] image) throws IOException {
        return ManifestScanner.scan(new MemoryImage(image), image.length, BLOCK, BlockCodec.AUTO_LEVEL, 2, null);
    }

    private static byte[] pack(byte[] image, Manifest manifest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageBlocks blocks = new ImageBlocks(new MemoryImage(image), manifest, 2)) {
            long written = PackedBlocks.write(blocks, manifest, Channels.newChannel(out), null);
            assertEquals(PackedBlocks.length(manifest), written);
        }
        return out.toByteArray();
    }

    @Test
    void thePackedFormHoldsEveryNonZeroBlockAsTheManifestSaysAndNothingElse() throws IOException {
        byte[] image = image();
        Manifest manifest = manifest(image);
        assertTrue(manifest.isCompressed(0) && !manifest.isCompressed(2) && manifest.isZero(3) && manifest.isZero(4));
        byte[] packed = pack(image, manifest);
        assertEquals(manifest.storedBytes(), packed.length);
        assertTrue(packed.length < image.length / 4, packed.length + " bytes");

        PackedBlocks blocks = new PackedBlocks(new MemoryImage(packed), manifest);
        BlockCodec codec = new BlockCodec(BlockCodec.AUTO_LEVEL);
        ByteBuffer raw = ByteBuffer.allocateDirect(BLOCK);
        for (int b = 0; b < manifest.blockCount(); b++) {
            if (manifest.isZero(b)) {
                continue;
            }
            ByteBuffer stored = blocks.stored(b);
            assertEquals(manifest.storedLength(b), stored.remaining());
            byte[] back = new byte[manifest.rawLength(b)];
            if (manifest.isCompressed(b)) {
                assertTrue(codec.decompress(stored, raw, manifest.rawLength(b)), "block " + b);
                raw.get(back);
            } else {
                stored.duplicate().get(back);
            }
            assertArrayEquals(Arrays.copyOfRange(image, b * BLOCK, b * BLOCK + back.length), back, "block " + b);
        }
    }

    @Test
    void aScanWithASinkWritesThePackedFormInTheSamePass() throws IOException {
        byte[] image = image();
        Manifest reference = manifest(image);
        byte[] packed = pack(image, reference);
        for (int threads : new int[] {0, 1, 3}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            java.util.List<Integer> order = new java.util.ArrayList<>();
            Manifest m = ManifestScanner.scan(new MemoryImage(image), image.length, BLOCK, BlockCodec.AUTO_LEVEL, threads,
                    null, (block, stored) -> {
                        order.add(block);
                        byte[] bytes = new byte[stored.remaining()];
                        stored.get(bytes);
                        out.write(bytes, 0, bytes.length);
                    });
            assertEquals(reference, m, "threads " + threads);
            assertEquals(java.util.List.of(0, 1, 2, 5, 6, 7), order, "non-zero blocks, in order (threads " + threads + ")");
            assertArrayEquals(packed, out.toByteArray(), "threads " + threads);
        }
        // without compression the packed form is the non-zero blocks as they are
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Manifest plain = ManifestScanner.scan(new MemoryImage(image), image.length, BLOCK, 0, 0, null, (block, stored) -> {
            byte[] bytes = new byte[stored.remaining()];
            stored.get(bytes);
            assertArrayEquals(Arrays.copyOfRange(image, block * BLOCK, block * BLOCK + bytes.length), bytes, "block " + block);
            raw.write(bytes, 0, bytes.length);
        });
        assertEquals(plain.storedBytes(), raw.size());
    }

    @Test
    void aDamagedPackedFileIsAnErrorNamingTheBlockNeverABlockOnTheWire() throws IOException {
        byte[] image = image();
        Manifest manifest = manifest(image);
        byte[] packed = pack(image, manifest);
        long[] offsets = PackedBlocks.offsets(manifest);
        packed[(int) offsets[5] + 10] ^= 1;
        PackedBlocks blocks = new PackedBlocks(new MemoryImage(packed), manifest);
        blocks.stored(0);
        IOException e = assertThrows(IOException.class, () -> blocks.stored(5));
        assertTrue(e.getMessage().contains("block 5 of the stored image is damaged"), e.getMessage());
    }

    @Test
    void theCheckerTakesAStreamInAnySlicesAndRefusesDamagedShortOrLongOnes() throws IOException {
        byte[] image = image();
        Manifest manifest = manifest(image);
        byte[] packed = pack(image, manifest);
        for (int slice : new int[] {1, 777, 65536, packed.length}) {
            PackedBlocks.Checker checker = new PackedBlocks.Checker(manifest);
            for (int at = 0; at < packed.length; at += slice) {
                checker.accept(ByteBuffer.wrap(packed, at, Math.min(slice, packed.length - at)));
            }
            checker.finish();
        }

        byte[] damaged = packed.clone();
        damaged[damaged.length - 3] ^= 0x10;
        PackedBlocks.Checker c1 = new PackedBlocks.Checker(manifest);
        IOException bad = assertThrows(IOException.class, () -> c1.accept(ByteBuffer.wrap(damaged)));
        assertTrue(bad.getMessage().contains("block 7 of the stored image is damaged"), bad.getMessage());

        PackedBlocks.Checker c2 = new PackedBlocks.Checker(manifest);
        c2.accept(ByteBuffer.wrap(packed, 0, packed.length - 1));
        IOException shortOne = assertThrows(IOException.class, c2::finish);
        assertTrue(shortOne.getMessage().contains("ended early: " + (packed.length - 1) + " of " + packed.length),
                shortOne.getMessage());

        PackedBlocks.Checker c3 = new PackedBlocks.Checker(manifest);
        byte[] longer = Arrays.copyOf(packed, packed.length + 1);
        IOException longOne = assertThrows(IOException.class, () -> c3.accept(ByteBuffer.wrap(longer)));
        assertTrue(longOne.getMessage().contains("longer than its manifest says"), longOne.getMessage());
    }
}
