package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.FAILED;

import dev.imgcast.image.ImageStoreException;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.PackedBlocks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.jboss.logging.Logger;

/**
 * The packed form of a stored image ({@code <id>.blocks}): every non-zero block as it travels.
 * An upload writes it in the pass that builds the manifest ({@link #scanAndPack}, from
 * {@code UploadService}); an image that has none (stored by an earlier version, or cut short by a
 * crash) gets it the same way, from the raw file, and the manifest of that pass must equal the
 * stored one. Senders download it and send its blocks as they are.
 */
@ApplicationScoped
public class ImagePacking {
    private static final Logger LOG = Logger.getLogger(ImagePacking.class);

    @Inject
    ImageVolume volume;
    @Inject
    CatalogueService catalogue;

    /**
     * One pass over the raw image {@code raw} of {@code size} bytes: builds its manifest (blocks of
     * {@code blockSize}, zstd {@code level}, 0 for raw) and writes the packed form to {@code target},
     * a new file, each block compressed once on worker threads; checks the packed length against
     * the manifest and forces the file to disk.
     */
    static Manifest scanAndPack(Path raw, long size, int blockSize, int level, Path target) throws IOException {
        long started = System.nanoTime();
        try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Manifest manifest = ManifestScanner.scan((offset, into) -> ManifestScanner.readFully(in, into, offset), size,
                    blockSize, level, ImageBlocks.defaultThreads(), done -> { }, (block, stored) -> {
                        while (stored.hasRemaining()) {
                            out.write(stored);
                        }
                    });
            if (out.size() != PackedBlocks.length(manifest)) {
                throw new IOException("the packed form has " + out.size() + " bytes, the manifest says "
                        + PackedBlocks.length(manifest));
            }
            out.force(false);
            LOG.infof("%s scanned and packed: %d bytes kept as they travel of %d (%.1f s)", raw.getFileName(), out.size(),
                    size, (System.nanoTime() - started) / 1e9);
            return manifest;
        }
    }

    /**
     * The packed file of stored image {@code id}. An image stored by an earlier version has
     * none, and a crash may have left one cut short: then it is made now from the raw file (once;
     * concurrent callers wait for it).
     */
    public synchronized Path packed(String id) {
        Path packed = volume.packed(id);
        Manifest manifest = Manifest.parse(catalogue.manifest(id));
        try {
            if (Files.isRegularFile(packed) && Files.size(packed) == PackedBlocks.length(manifest)) {
                return packed;
            }
            Path raw = volume.file(id);
            if (!Files.isRegularFile(raw)) {
                throw new ImageStoreException(FAILED, "image " + id + " is registered but its file is missing");
            }
            LOG.infof("image %s has no packed form, or one of the wrong length (stored by an earlier version, or cut"
                    + " short): packing it now", id);
            Path part = volume.newIncoming(id);
            try {
                Manifest scanned = scanAndPack(raw, manifest.imageSize(), manifest.blockSize(), manifest.level(), part);
                if (!scanned.equals(manifest)) {
                    throw new IOException("the image file no longer matches its manifest (SHA-256 " + scanned.sha256Hex()
                            + ", the manifest says " + manifest.sha256Hex() + ")");
                }
                Files.move(part, packed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
            return packed;
        } catch (IOException e) {
            throw new ImageStoreException(FAILED, "the stored blocks of " + id + " could not be made: " + e.getMessage());
        }
    }
}
