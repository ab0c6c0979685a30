package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.CONFLICT;
import static dev.imgcast.image.ImageStoreException.Kind.NOT_FOUND;

import dev.imgcast.image.ImageChanged;
import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.model.ImageUse;
import dev.imgcast.image.model.StoredImage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Deleting an image no live session uses. */
@ApplicationScoped
public class DeletionService {
    private static final Logger LOG = Logger.getLogger(DeletionService.class);

    @Inject
    ImageVolume volume;
    @Inject
    Event<ImageChanged> events;

    /** Row first (refused while a session run uses the image), then its files. */
    public void delete(String id) {
        ImageIds.check(id);
        ImageView view = QuarkusTransaction.requiringNew().call(() -> {
            StoredImage image = StoredImage.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (image == null || !StoredImage.READY.equals(image.state)) {
                throw new ImageStoreException(NOT_FOUND, "no image " + id);
            }
            List<String> users = ImageUse.<ImageUse>list("imageId", id).stream()
                    .map(u -> "session " + u.sessionName + " (run " + u.runId + ")").toList();
            if (!users.isEmpty()) {
                throw new ImageStoreException(CONFLICT, "image " + id + " is in use by " + String.join(", ", users)
                        + "; cancel or finish the session first");
            }
            ImageView v = image.view(List.of());
            image.delete();
            return v;
        });
        for (Path file : List.of(volume.file(id), volume.packed(id))) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("image %s deleted, but its file %s could not be removed: %s", id, file, e.getMessage());
            }
        }
        events.fire(new ImageChanged(ImageChanged.Change.DELETED, view));
    }
}
