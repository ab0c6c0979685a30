package dev.imgcast.image;

import jakarta.inject.Inject;
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
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Image metadata. The bytes themselves: {@code PUT/GET /api/images/{id}/content}
 * ({@link ContentRoutes}).
 */
@Path("/api/images")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "images")
public class ImageResource {
    @Inject
    Images images;
    @Inject
    Capture capture;

    @GET
    @Operation(summary = "Stored images")
    public List<ImageView> list() {
        return images.list();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One image: size, block size, blocks, zero blocks, SHA-256, the sessions using it")
    public ImageView show(@PathParam("id") String id) {
        return images.view(id);
    }

    @GET
    @Path("{id}/manifest")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The manifest as the data plane sends it (protocol/README.md): "
            + "size, block size, SHA-256, per-block CRC32C, zero-block map")
    public byte[] manifest(@PathParam("id") String id) {
        return images.manifest(id);
    }

    public record CaptureRequest(String session) {
    }

    @POST
    @Path("{id}/capture")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture a live session as a new image: join it as one more device and store what the master sends")
    public Response capture(@PathParam("id") String id, CaptureRequest request) {
        if (request == null || request.session() == null) {
            throw new ApiException(400, "say which session to capture: {\"session\": \"NAME\"}");
        }
        return Response.accepted(capture.start(id, request.session())).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete an image (refused while a session uses it)")
    public Response delete(@PathParam("id") String id) {
        images.delete(id);
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response refused(ApiException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(ApiException.body(e.status(), e.getMessage()).encode()).build();
    }
}
