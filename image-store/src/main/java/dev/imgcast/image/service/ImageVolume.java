package dev.imgcast.image.service;

import dev.imgcast.image.ImageIds;
import dev.imgcast.image.config.VolumeConfig;
import dev.imgcast.image.model.StoredImage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The directory that holds the image bytes: for each stored image {@code <id>.img} (the raw
 * image, for downloads) and {@code <id>.blocks} (its packed form: the stored blocks senders send,
 * compressed once at upload; the manifest is its index), and {@code .incoming/} for uploads in
 * progress (moved into place only once checked).
 */
@ApplicationScoped
public class ImageVolume {
    private static final Logger LOG = Logger.getLogger(ImageVolume.class);

    @Inject
    VolumeConfig config;

    /**
     * An upload that was running when the service stopped cannot be continued: its partial file
     * and its row go, so the same upload can simply be started again.
     */
    void clean(@Observes StartupEvent start) throws IOException {
        Files.createDirectories(incoming());
        try (Stream<Path> partial = Files.list(incoming())) {
            partial.forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        long dropped = QuarkusTransaction.requiringNew().call(() -> StoredImage.delete("state", StoredImage.UPLOADING));
        if (dropped > 0) {
            LOG.infof("%d unfinished upload(s) of a previous run removed; upload them again", dropped);
        }
    }

    public Path file(String id) {
        return config.dir().resolve(ImageIds.check(id) + ".img");
    }

    /** The packed form of a stored image (dev.imgcast.protocol.image.PackedBlocks). */
    public Path packed(String id) {
        return config.dir().resolve(ImageIds.check(id) + ".blocks");
    }

    public Path incoming() {
        return config.dir().resolve(".incoming");
    }

    public Path newIncoming(String id) {
        return incoming().resolve(ImageIds.check(id) + "." + UUID.randomUUID() + ".part");
    }
}
