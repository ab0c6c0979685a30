package dev.imgcast.image;

import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/** What happens to images, on the database and the volume; blocking, called from workers. */
@ApplicationScoped
public class Images {
    private static final Logger LOG = Logger.getLogger(Images.class);
    static final int MIN_BLOCK = 64 * 1024;
    static final int MAX_BLOCK = 64 * 1024 * 1024;

    @Inject
    ImageVolume volume;
    @Inject
    ImageEvents events;

    /** Claims the id for an upload: refused if the image exists or another upload of it runs. */
    public void beginUpload(String id, String declaredSha, int blockSize) {
        ImageVolume.checkId(id);
        if (declaredSha == null || !declaredSha.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
            throw new ApiException(400, "header X-Imgcast-Sha256 must give the SHA-256 of the image (64 hex digits)");
        }
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || Integer.bitCount(blockSize) != 1) {
            throw new ApiException(400, "blockSize must be a power of two from 64 KiB to 64 MiB, not " + blockSize);
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                StoredImage existing = StoredImage.findById(id);
                if (existing != null) {
                    throw new ApiException(409, StoredImage.READY.equals(existing.state)
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
                throw new ApiException(409, "an upload of " + id + " is in progress");
            }
            throw e;
        }
    }

    /** Claims the id for a capture: the SHA-256 is known only when the stream is verified. */
    public void beginCapture(String id) {
        beginUpload(id, "0".repeat(64), 1 << 20);
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
                throw new ApiException(400, "the upload of " + id + " is empty");
            }
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ)) {
                manifest = ManifestScanner.scan((offset, into) -> ManifestScanner.readFully(channel, into, offset), size,
                        claimed.blockSize, done -> { });
            }
            if (!manifest.sha256Hex().equals(claimed.declaredSha256)) {
                throw new ApiException(422, "SHA-256 mismatch: the upload of " + id + " has " + manifest.sha256Hex()
                        + ", the client declared " + claimed.declaredSha256 + "; nothing was stored");
            }
            Files.move(part, volume.file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ImageView view = QuarkusTransaction.requiringNew().call(() -> {
                StoredImage image = StoredImage.findById(id);
                image.state = StoredImage.READY;
                image.sizeBytes = size;
                image.blockCount = manifest.blockCount();
                image.zeroBlocks = manifest.zeroBlockCount();
                image.sha256 = manifest.sha256Hex();
                image.manifest = manifest.serialize();
                image.storedAt = Instant.now();
                return ImageView.of(image, List.of());
            });
            LOG.infof("image %s stored: %d bytes, SHA-256 %s", id, size, view.sha256());
            events.stored(view);
            return view;
        } catch (IOException e) {
            abandonUpload(id, part);
            throw new ApiException(500, "storing " + id + " failed: " + e.getMessage());
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

    public ImageView view(String id) {
        ImageVolume.checkId(id);
        return QuarkusTransaction.requiringNew().call(() -> {
            StoredImage image = StoredImage.findById(id);
            if (image == null || !StoredImage.READY.equals(image.state)) {
                throw new ApiException(404, image == null ? "no image " + id : "image " + id + " is still uploading");
            }
            return ImageView.of(image, ImageUse.<ImageUse>list("imageId", id).stream()
                    .map(u -> u.sessionName + " (run " + u.runId + ")").toList());
        });
    }

    public List<ImageView> list() {
        return QuarkusTransaction.requiringNew().call(() -> StoredImage.<StoredImage>list("state = ?1 order by id",
                StoredImage.READY).stream().map(i -> ImageView.of(i, List.of())).toList());
    }

    public byte[] manifest(String id) {
        ImageView view = view(id);
        return QuarkusTransaction.requiringNew().call(() -> StoredImage.<StoredImage>findById(view.id()).manifest);
    }

    /** Deletes an image no live session uses: row first, then the file. */
    public void delete(String id) {
        ImageVolume.checkId(id);
        ImageView view = QuarkusTransaction.requiringNew().call(() -> {
            StoredImage image = StoredImage.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (image == null || !StoredImage.READY.equals(image.state)) {
                throw new ApiException(404, "no image " + id);
            }
            List<String> users = ImageUse.<ImageUse>list("imageId", id).stream()
                    .map(u -> "session " + u.sessionName + " (run " + u.runId + ")").toList();
            if (!users.isEmpty()) {
                throw new ApiException(409, "image " + id + " is in use by " + String.join(", ", users)
                        + "; cancel or finish the session first");
            }
            ImageView v = ImageView.of(image, List.of());
            image.delete();
            return v;
        });
        try {
            Files.deleteIfExists(volume.file(id));
        } catch (IOException e) {
            LOG.warnf("image %s deleted, but its file could not be removed: %s", id, e.getMessage());
        }
        events.deleted(view);
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
