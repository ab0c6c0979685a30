package dev.imgcast.image.rest;

import static dev.imgcast.image.ImageStoreException.Kind.FAILED;
import static dev.imgcast.image.ImageStoreException.Kind.INVALID;
import static dev.imgcast.image.ImageStoreException.Kind.RANGE_NOT_SATISFIABLE;


import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.service.CatalogueService;
import dev.imgcast.image.service.ImagePacking;
import dev.imgcast.image.service.ImageVolume;
import dev.imgcast.image.service.UploadService;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The image bytes, streamed both ways on Vert.x routes: an upload goes from the socket to a
 * file with backpressure (never whole in memory, whatever its size); a download is sent from
 * the file by the kernel, with single HTTP ranges.
 *
 * <pre>
 * PUT  /api/images/{id}/content?blockSize=1048576   header X-Imgcast-Sha256: the image's SHA-256
 * GET  /api/images/{id}/content                     header Range: bytes=a-b | a- | -n (optional)
 * GET  /api/images/{id}/blocks                      the packed form: the stored blocks, as senders send them
 * </pre>
 */
@ApplicationScoped
public class ContentRoutes {
    private static final Logger LOG = Logger.getLogger(ContentRoutes.class);
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    @Inject
    UploadService uploads;
    @Inject
    CatalogueService catalogue;
    @Inject
    ImageVolume volume;
    @Inject
    ImagePacking packing;
    @Inject
    Vertx vertx;

    void routes(@Observes Router router) {
        router.put("/api/images/:id/content").handler(this::upload);
        router.get("/api/images/:id/content").handler(this::download);
        router.head("/api/images/:id/content").handler(this::download);
        router.get("/api/images/:id/blocks").handler(this::downloadPacked);
        router.head("/api/images/:id/blocks").handler(this::downloadPacked);
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        if (!admin(ctx)) {
            return;
        }
        String id = ctx.pathParam("id");
        String sha = request.getHeader("X-Imgcast-Sha256");
        int blockSize;
        try {
            String b = request.getParam("blockSize");
            blockSize = b == null ? UploadService.DEFAULT_BLOCK : Integer.parseInt(b);
        } catch (NumberFormatException e) {
            fail(ctx, new ImageStoreException(INVALID, "blockSize must be a number of bytes"));
            return;
        }
        Path part = volume.newIncoming(ImageIds.valid(id) ? id : "x");
        vertx.<Void>executeBlocking(() -> {
            uploads.beginUpload(id, sha, blockSize);
            return null;
        }, false).compose(v -> vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true)
                .setCreateNew(true))).onSuccess(file -> receive(ctx, id, part, file)).onFailure(e -> fail(ctx, e));
    }

    private void receive(RoutingContext ctx, String id, Path part, AsyncFile file) {
        long started = System.nanoTime();
        ctx.request().pipeTo(file).compose(v -> vertx.executeBlocking(() -> uploads.finishUpload(id, part), false))
                .onSuccess(view -> {
                    LOG.infof("upload of %s: %d bytes in %.1f s", id, view.size(), (System.nanoTime() - started) / 1e9);
                    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .putHeader("Location", "/api/images/" + id).end(JsonObject.mapFrom(view).encode());
                })
                .onFailure(e -> {
                    // the connection broke, the disk filled, or the checksum did not match
                    vertx.executeBlocking(() -> {
                        uploads.abandonUpload(id, part);
                        return null;
                    }, false);
                    fail(ctx, e instanceof ImageStoreException ? e : new ImageStoreException(INVALID, "the upload of " + id
                            + " did not complete (" + e.getMessage() + "); nothing was stored, start it again"));
                });
    }

    private void download(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        vertx.executeBlocking(() -> catalogue.view(id), false).onFailure(e -> fail(ctx, e)).onSuccess(view -> {
            try {
                Path file = volume.file(id);
                if (!Files.isRegularFile(file)) {
                    fail(ctx, new ImageStoreException(FAILED, "image " + id + " is registered but its file is missing"));
                    return;
                }
                serve(ctx, file, view.size(), view);
            } catch (RuntimeException e) {
                fail(ctx, e);  // whatever goes wrong here is answered, never a connection left open
            }
        });
    }

    /**
     * The packed form (its length is the manifest's stored bytes; the manifest is its index), made
     * first if the image was stored by an earlier version.
     */
    private void downloadPacked(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        vertx.executeBlocking(() -> {
            ImageView view = catalogue.view(id);
            Path file = packing.packed(id);
            return new Packed(view, file, Files.size(file));
        }, false).onFailure(e -> fail(ctx, e)).onSuccess(found -> {
            try {
                serve(ctx, found.file(), found.size(), found.view());
            } catch (RuntimeException e) {
                fail(ctx, e);
            }
        });
    }

    private record Packed(ImageView view, Path file, long size) {
    }

    private void serve(RoutingContext ctx, Path file, long size, ImageView view) {
        long from = 0;
        long to = size - 1;
        HttpServerResponse response = ctx.response();
        String range = ctx.request().getHeader("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                rangeFail(ctx, size, "one range of the form bytes=first-last, bytes=first- or bytes=-count");
                return;
            }
            if (m.group(1).isEmpty()) {
                long count = position(m.group(2));
                from = Math.max(0, size - count);
            } else {
                from = position(m.group(1));
                if (!m.group(2).isEmpty()) {
                    to = Math.min(position(m.group(2)), size - 1);
                }
            }
            if (from >= size || from > to) {
                rangeFail(ctx, size, "it has " + size + " bytes");
                return;
            }
            response.setStatusCode(206).putHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        response.putHeader("Accept-Ranges", "bytes").putHeader("Content-Type", "application/octet-stream")
                .putHeader("X-Imgcast-Sha256", view.sha256()).putHeader("ETag", "\"" + view.sha256() + "\"");
        if (ctx.request().method().name().equals("HEAD")) {
            response.putHeader("Content-Length", Long.toString(to - from + 1)).end();
            return;
        }
        response.sendFile(file.toString(), from, to - from + 1);
    }

    /**
     * A byte position of a Range header. Digits past what a long holds mean "beyond any image":
     * a first position there is unsatisfiable, a last position or a suffix length there means to
     * the end (as RFC 9110 reads a number larger than the representation).
     */
    static long position(String digits) {
        try {
            return Long.parseLong(digits);  // digits only (the pattern): it fails on overflow alone
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void rangeFail(RoutingContext ctx, long size, String what) {
        ctx.response().putHeader("Content-Range", "bytes */" + size);
        fail(ctx, new ImageStoreException(RANGE_NOT_SATISFIABLE, "unsatisfiable range: " + what));
    }

    /** Uploads are for admins; Quarkus's permission policy has authenticated the user already. */
    private static boolean admin(RoutingContext ctx) {
        QuarkusHttpUser user = ctx.user() instanceof QuarkusHttpUser q ? q : null;
        if (user == null || !user.getSecurityIdentity().hasRole("admin")) {
            end(ctx, ErrorMapper.forbidden("uploading images needs the admin role"));
            return false;
        }
        return true;
    }

    static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof ImageStoreException refused) {
            end(ctx, ErrorMapper.body(refused));
            return;
        }
        LOG.error("image content request failed", e);
        end(ctx, ErrorMapper.internal(e));
    }

    private static void end(RoutingContext ctx, ErrorBody body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            ctx.request().connection().close();
            return;
        }
        response.setStatusCode(body.status()).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(JsonObject.mapFrom(body).encode());
    }
}
