package dev.imgcast.image.rest;

import static dev.imgcast.image.ImageStoreException.Kind.INVALID;

import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.service.CaptureService;
import dev.imgcast.image.service.CatalogueService;
import dev.imgcast.image.service.DeletionService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Image metadata, capture and deletion: HTTP translated to the use cases in {@code service/}.
 * The bytes themselves: {@code PUT/GET /api/images/{id}/content} ({@link ContentRoutes}).
 */
@Path("/api/images")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "images")
public class ImageResource {
    @Inject
    CatalogueService catalogue;
    @Inject
    DeletionService deletion;
    @Inject
    CaptureService capture;

    @GET
    @Operation(summary = "Stored images")
    public List<ImageView> list() {
        return catalogue.list();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One image: size, block size, blocks, zero blocks, SHA-256, the sessions using it")
    public ImageView show(@PathParam("id") String id) {
        return catalogue.view(id);
    }

    @GET
    @Path("{id}/manifest")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The manifest as the data plane sends it (protocol/README.md): "
            + "size, block size, SHA-256, per-block CRC32C, zero-block map")
    public byte[] manifest(@PathParam("id") String id) {
        return catalogue.manifest(id);
    }

    @POST
    @Path("{id}/capture")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture a live session as a new image: join it as one more device and store what the master sends")
    public Response capture(@PathParam("id") String id, CaptureRequest request) {
        if (request == null || request.session() == null) {
            throw new ImageStoreException(INVALID, "say which session to capture: {\"session\": \"NAME\"}");
        }
        return Response.accepted(capture.start(id, request.session())).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete an image (refused while a session uses it)")
    public Response delete(@PathParam("id") String id) {
        deletion.delete(id);
        return Response.noContent().build();
    }
}
