package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.CHECKSUM_MISMATCH;
import static dev.imgcast.image.ImageStoreException.Kind.CONFLICT;
import static dev.imgcast.image.ImageStoreException.Kind.FAILED;
import static dev.imgcast.image.ImageStoreException.Kind.INVALID;

import dev.imgcast.image.ImageChanged;
import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.model.StoredImage;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.transfer.TransferDefaults;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * Storing an image: the id is claimed, the bytes arrive in a part file (streamed by the REST
 * layer, or received by a capture), the manifest is built and the SHA-256 checked, the packed
 * form written (the blocks compressed once, as senders send them), and only then both files are
 * moved into place. Blocking, called from workers.
 */
@ApplicationScoped
public class UploadService {
    private static final Logger LOG = Logger.getLogger(UploadService.class);
    public static final int DEFAULT_BLOCK = 1024 * 1024;
    static final int MIN_BLOCK = 64 * 1024;
    static final int MAX_BLOCK = 64 * 1024 * 1024;

    @Inject
    ImageVolume volume;
    @Inject
    Event<ImageChanged> events;

    /** Claims the id for an upload: refused if the image exists or another upload of it runs. */
    public void beginUpload(String id, String declaredSha, int blockSize) {
        ImageIds.check(id);
        if (declaredSha == null || !declaredSha.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
            throw new ImageStoreException(INVALID, "header X-Imgcast-Sha256 must give the SHA-256 of the image (64 hex digits)");
        }
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || Integer.bitCount(blockSize) != 1) {
            throw new ImageStoreException(INVALID, "blockSize must be a power of two from 64 KiB to 64 MiB, not " + blockSize);
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                StoredImage existing = StoredImage.findById(id);
                if (existing != null) {
                    throw new ImageStoreException(CONFLICT, StoredImage.READY.equals(existing.state)
                            ? "image " + id + " exists; delete it first or choose another id"
                            : "an upload of " + id + " is in progress");
                }
                StoredImage image = new StoredImage();
                image.id = id;
                image.state = StoredImage.UPLOADING;
                image.declaredSha256 = declaredSha.toLowerCase(Locale.ROOT);
                image.blockSize = blockSize;
                image.createdAt = Instant.now();
                image.persist();
            });
        } catch (RuntimeException e) {
            if (cause(e, ConstraintViolationException.class) != null) {
                throw new ImageStoreException(CONFLICT, "an upload of " + id + " is in progress");
            }
            throw e;
        }
    }

    /** Claims the id for a capture: the SHA-256 is known only when the stream is verified. */
    public void beginCapture(String id) {
        beginUpload(id, "0".repeat(64), DEFAULT_BLOCK);
    }

    /**
     * A capture received and verified {@code part} with SHA-256 {@code sha}: the manifest built
     * from the file must agree before it is kept.
     */
    public ImageView finishCapture(String id, Path part, String sha) {
        QuarkusTransaction.requiringNew().run(() -> StoredImage.<StoredImage>findById(id).declaredSha256 = sha);
        return finishUpload(id, part);
    }

    /**
     * The bytes arrived in {@code part}: build the manifest (which reads them once more and
     * computes the SHA-256), check the declared SHA-256, and only then move the file into place.
     * On any refusal the part file and the row are gone.
     */
    public ImageView finishUpload(String id, Path part) {
        try {
            StoredImage claimed = QuarkusTransaction.requiringNew().call(() -> StoredImage.findById(id));
            Manifest manifest;
            long size = Files.size(part);
            if (size == 0) {
                throw new ImageStoreException(INVALID, "the upload of " + id + " is empty");
            }
            // Compressed once, here, in the same pass that hashes the image and builds the manifest:
            // the manifest records each block's zstd form (length, CRC32C), the packed file holds
            // them in block order, and senders send them as they are.
            Path packedPart = part.resolveSibling(part.getFileName() + ".blocks");
            try {
                manifest = ImagePacking.scanAndPack(part, size, claimed.blockSize, TransferDefaults.COMPRESS_LEVEL,
                        packedPart);
                if (!manifest.sha256Hex().equals(claimed.declaredSha256)) {
                    throw new ImageStoreException(CHECKSUM_MISMATCH, "SHA-256 mismatch: the upload of " + id + " has "
                            + manifest.sha256Hex() + ", the client declared " + claimed.declaredSha256
                            + "; nothing was stored");
                }
                Files.move(packedPart, volume.packed(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(packedPart);
            }
            try {
                Files.move(part, volume.file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(volume.packed(id));
                throw e;
            }
            ImageView view = QuarkusTransaction.requiringNew().call(() -> {
                StoredImage image = StoredImage.findById(id);
                image.state = StoredImage.READY;
                image.sizeBytes = size;
                image.blockCount = manifest.blockCount();
                image.zeroBlocks = manifest.zeroBlockCount();
                image.sha256 = manifest.sha256Hex();
                image.manifest = manifest.serialize();
                image.storedAt = Instant.now();
                return image.view(List.of());
            });
            LOG.infof("image %s stored: %d bytes, SHA-256 %s", id, size, view.sha256());
            events.fire(new ImageChanged(ImageChanged.Change.STORED, view));
            return view;
        } catch (IOException e) {
            abandonUpload(id, part);
            throw new ImageStoreException(FAILED, "storing " + id + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            abandonUpload(id, part);
            throw e;
        }
    }

    /** An upload that failed or was refused leaves nothing behind. */
    public void abandonUpload(String id, Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            LOG.warnf("could not remove %s: %s", part, e.getMessage());
        }
        QuarkusTransaction.requiringNew().run(() -> StoredImage.delete("id = ?1 and state = ?2", id,
                StoredImage.UPLOADING));
    }

    private static <X extends Throwable> X cause(Throwable t, Class<X> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
