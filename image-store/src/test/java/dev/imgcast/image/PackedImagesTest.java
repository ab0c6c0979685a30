package dev.imgcast.image;

import static dev.imgcast.image.ImageStoreTest.admin;
import static dev.imgcast.image.ImageStoreTest.id;
import static dev.imgcast.image.ImageStoreTest.reader;
import static dev.imgcast.image.ImageStoreTest.sha;
import static dev.imgcast.image.ImageStoreTest.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.image.BlockCodec;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.image.PackedBlocks;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed form image-store keeps of every image: compressed once, at upload, and served as it is. */
@QuarkusTest
class PackedImagesTest {
    private static final Path DIR = Path.of("target/test-images");

    /** 5 MiB: text (compresses), random (stays raw), zeros (left out), text again, and a short tail. */
    private static byte[] image() {
        byte[] data = new byte[(5 << 20) + 4321];
        byte[] text = "/usr/share/doc/libssl3/changelog.Debian.gz\nGLIBC_2.34 GLIBC_PRIVATE\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < data.length; i++) {
            data[i] = text[i % text.length];
        }
        byte[] noise = new byte[1 << 20];
        new Random(5).nextBytes(noise);
        System.arraycopy(noise, 0, data, 1 << 20, noise.length);
        Arrays.fill(data, 2 << 20, 3 << 20, (byte) 0);
        return data;
    }

    private static byte[] blocks(String id) {
        return reader().get("/api/images/{id}/blocks", id).then().statusCode(200)
                .header("X-Imgcast-Sha256", org.hamcrest.Matchers.notNullValue()).extract().asByteArray();
    }

    @Test
    void anUploadIsKeptPackedAndTheSenderGetsTheBlocksAsTheyTravel() throws Exception {
        byte[] data = image();
        String id = id("packed");
        upload(id, data, sha(data)).then().statusCode(201);
        Manifest manifest = Manifest.parse(reader().get("/api/images/{id}/manifest", id).then().statusCode(200)
                .extract().asByteArray());
        assertTrue(manifest.isCompressed(0) && !manifest.isCompressed(1) && manifest.isZero(2), "the image's mix");

        byte[] packed = blocks(id);
        assertEquals(manifest.storedBytes(), packed.length);
        assertTrue(packed.length < (2 << 20), "text compressed, zeros left out: " + packed.length + " bytes");
        assertArrayEquals(packed, Files.readAllBytes(DIR.resolve(id + ".blocks")));
        PackedBlocks.Checker checker = new PackedBlocks.Checker(manifest);
        checker.accept(ByteBuffer.wrap(packed));
        checker.finish();
        // every block decompresses to the image's bytes
        PackedBlocks stored = new PackedBlocks(new MemoryImage(packed), manifest);
        BlockCodec codec = new BlockCodec(manifest.level());
        ByteBuffer raw = ByteBuffer.allocateDirect(manifest.blockSize());
        for (int b = 0; b < manifest.blockCount(); b++) {
            if (manifest.isZero(b)) {
                continue;
            }
            byte[] back = new byte[manifest.rawLength(b)];
            if (manifest.isCompressed(b)) {
                assertTrue(codec.decompress(stored.stored(b), raw, back.length), "block " + b);
                raw.get(back);
            } else {
                stored.stored(b).get(back);
            }
            assertArrayEquals(Arrays.copyOfRange(data, b << 20, (b << 20) + back.length), back, "block " + b);
        }

        reader().head("/api/images/{id}/blocks", id).then().statusCode(200)
                .header("Content-Length", String.valueOf(packed.length));
        byte[] part = reader().header("Range", "bytes=10-19").get("/api/images/{id}/blocks", id).then().statusCode(206)
                .header("Content-Range", "bytes 10-19/" + packed.length).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(packed, 10, 20), part);
        reader().get("/api/images/{id}/blocks", "never-was").then().statusCode(404);

        admin().delete("/api/images/{id}", id).then().statusCode(204);
        assertTrue(Files.notExists(DIR.resolve(id + ".blocks")), "packed file left");
        assertTrue(Files.notExists(DIR.resolve(id + ".img")), "image file left");
    }

    @Test
    void anImageStoredByAnEarlierVersionIsPackedWhenFirstAskedFor() throws Exception {
        byte[] data = image();
        String id = id("legacy");
        upload(id, data, sha(data)).then().statusCode(201);
        byte[] first = blocks(id);
        // as an image-store before packed forms left it: the raw file only
        Files.delete(DIR.resolve(id + ".blocks"));
        assertArrayEquals(first, blocks(id));
        assertTrue(Files.isRegularFile(DIR.resolve(id + ".blocks")));
        // a packed file of the wrong length (cut short by a crash) is made again, not served
        Files.write(DIR.resolve(id + ".blocks"), Arrays.copyOf(first, 100));
        assertArrayEquals(first, blocks(id));
        try (var left = Files.list(DIR.resolve(".incoming"))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(id)), "nothing left in .incoming");
        }
        admin().delete("/api/images/{id}", id).then().statusCode(204);
    }
}
