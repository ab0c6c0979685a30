package dev.imgcast.session.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dashboard signs in with its own form and sends HTTP Basic credentials itself. A refused
 * request must come back to its script as a plain 401, not as the browser's password dialog
 * (which a headless browser, or a wall display, never answers): for requests marked with
 * {@code X-Imgcast-Dashboard}, the {@code WWW-Authenticate} challenge is left out. Every other
 * client, curl and the OpenAPI UI included, gets the challenge as usual.
 */
@ApplicationScoped
public class DashboardChallenge {
    static final String HEADER = "X-Imgcast-Dashboard";

    void install(@Observes Router router) {
        router.route().order(-1000).handler(rc -> {
            if (rc.request().headers().contains(HEADER)) {
                rc.addHeadersEndHandler(v -> rc.response().headers().remove("WWW-Authenticate"));
            }
            rc.next();
        });
    }
}
