package dev.imgcast.image;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The directory that holds the image bytes: {@code <id>.img} for stored images, and
 * {@code .incoming/} for uploads in progress (moved into place only once checked).
 */
@ApplicationScoped
public class ImageVolume {
    private static final Logger LOG = Logger.getLogger(ImageVolume.class);
    /** Image ids: safe as file names, in URLs and in logs. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    @ConfigProperty(name = "imgcast.images.dir", defaultValue = "data/images")
    Path dir;

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

    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ApiException(400, "invalid image id '" + id + "': 1 to 128 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        return id;
    }

    public Path file(String id) {
        return dir.resolve(checkId(id) + ".img");
    }

    public Path incoming() {
        return dir.resolve(".incoming");
    }

    public Path newIncoming(String id) {
        return incoming().resolve(checkId(id) + "." + UUID.randomUUID() + ".part");
    }
}
