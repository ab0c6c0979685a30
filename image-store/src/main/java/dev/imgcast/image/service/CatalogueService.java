package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.CONFLICT;
import static dev.imgcast.image.ImageStoreException.Kind.NOT_FOUND;

import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.model.ImageUse;
import dev.imgcast.image.model.StoredImage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** What is stored: the images, one image with the sessions using it, its manifest. */
@ApplicationScoped
public class CatalogueService {

    public ImageView view(String id) {
        ImageIds.check(id);
        return QuarkusTransaction.requiringNew().call(() -> {
            StoredImage image = StoredImage.findById(id);
            if (image == null) {
                throw new ImageStoreException(NOT_FOUND, "no image " + id);
            }
            if (!StoredImage.READY.equals(image.state)) {
                // there, but not usable yet: a session started from the server tells the two apart
                throw new ImageStoreException(CONFLICT, "image " + id + " is still uploading");
            }
            return image.view(ImageUse.<ImageUse>list("imageId", id).stream()
                    .map(u -> u.sessionName + " (run " + u.runId + ")").toList());
        });
    }

    public List<ImageView> list() {
        return QuarkusTransaction.requiringNew().call(() -> StoredImage.<StoredImage>list("state = ?1 order by id",
                StoredImage.READY).stream().map(i -> i.view(List.of())).toList());
    }

    public byte[] manifest(String id) {
        ImageView view = view(id);
        return QuarkusTransaction.requiringNew().call(() -> StoredImage.<StoredImage>findById(view.id()).manifest);
    }
}
