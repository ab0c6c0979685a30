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
 * An upload writes it in the pass that builds the manifest ({@code UploadService}); this makes it
 * for an image that has none (stored by an earlier version, or cut short by a crash), from the
 * raw file, each block checked against the manifest. Senders download it and send its blocks as
 * they are.
 */
@ApplicationScoped
public class ImagePacking {
    private static final Logger LOG = Logger.getLogger(ImagePacking.class);

    @Inject
    ImageVolume volume;
    @Inject
    CatalogueService catalogue;

    /**
     * Writes the packed form of the raw image {@code raw} to {@code target}, a new file, and
     * forces it to disk. Returns its length, which is the manifest's stored bytes.
     */
    private static long pack(Path raw, Manifest manifest, Path target) throws IOException {
        long started = System.nanoTime();
        long written;
        try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ImageBlocks blocks = new ImageBlocks((offset, into) -> ManifestScanner.readFully(in, into, offset), manifest,
                        ImageBlocks.defaultThreads())) {
            written = PackedBlocks.write(blocks, manifest, out, null);
            out.force(false);
        }
        LOG.infof("packed %s: %d of %d bytes kept as they travel (%.1f s)", raw.getFileName(), written,
                manifest.imageSize(), (System.nanoTime() - started) / 1e9);
        return written;
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
                pack(raw, manifest, part);
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
