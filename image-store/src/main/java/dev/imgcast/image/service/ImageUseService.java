package dev.imgcast.image.service;

import dev.imgcast.image.model.ImageUse;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Which images live sessions use: a run whose source is an image holds it from the moment the
 * image store hears of the run until the run finished. Idempotent: events come at least once.
 */
@ApplicationScoped
public class ImageUseService {

    /** The run uses the image (a repeated or later event of the same run changes nothing). */
    public void inUse(long runId, String imageId, String sessionName) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (ImageUse.findById(runId) == null) {
                ImageUse use = new ImageUse();
                use.runId = runId;
                use.imageId = imageId;
                use.sessionName = sessionName;
                use.since = Instant.now();
                use.persist();
            }
        });
    }

    /** The run finished: its image is free (unless another run uses it). */
    public void released(long runId) {
        QuarkusTransaction.requiringNew().run(() -> ImageUse.deleteById(runId));
    }
}
