package dev.imgcast.session.service;

import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.UnavailableException;
import dev.imgcast.session.domain.UnknownSessionException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Asks image-store whether an image can be sent, before a session that sends it is created:
 * stored and ready (200), never stored (404), still uploading (409). An image store that cannot be
 * asked stops the request too (503): a session is never created on a guess.
 */
@ApplicationScoped
public class ImageCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Inject
    ImageStoreConfig config;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Returns when image {@code imageId} is stored and ready; otherwise a refusal that says why. */
    public void requireReady(String imageId) {
        String base = config.url().replaceAll("/+$", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/images/"
                + URLEncoder.encode(imageId, StandardCharsets.UTF_8))).timeout(TIMEOUT).GET();
        config.password().ifPresent(p -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((config.user() + ":" + p).getBytes(StandardCharsets.UTF_8))));
        int status;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UnavailableException("cannot check image " + imageId + ": the image store at " + base
                    + " does not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); nothing was created, try again when it is up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("cannot check image " + imageId + ": interrupted; nothing was created");
        }
        switch (status) {
            case 200 -> {
            }
            case 404 -> throw new UnknownSessionException("no image " + imageId + " in the image store at " + base
                    + ": upload it first (PUT /api/images/" + imageId + "/content); nothing was created");
            case 409 -> throw new ConflictException("image " + imageId + " is still uploading to the image store: "
                    + "start the session once the upload is done; nothing was created");
            case 401, 403 -> throw new UnavailableException("the image store at " + base + " refused session-service's"
                    + " credentials (user " + config.user() + ", IMGCAST_IMAGE_STORE_PASSWORD); image " + imageId
                    + " cannot be checked, nothing was created");
            default -> throw new UnavailableException("cannot check image " + imageId + ": the image store at " + base
                    + " answered HTTP " + status + "; nothing was created");
        }
    }
}
