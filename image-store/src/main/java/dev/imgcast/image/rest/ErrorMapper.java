package dev.imgcast.image.rest;

import dev.imgcast.image.ImageStoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where an image-store refusal becomes an HTTP status and an error body. */
public class ErrorMapper {

    static ErrorBody body(ImageStoreException e) {
        String message = e.getMessage();
        return switch (e.kind()) {
            case INVALID -> new ErrorBody(400, "Bad Request", message);
            case NOT_FOUND -> new ErrorBody(404, "Not Found", message);
            case CONFLICT -> new ErrorBody(409, "Conflict", message);
            case RANGE_NOT_SATISFIABLE -> new ErrorBody(416, "Range Not Satisfiable", message);
            case CHECKSUM_MISMATCH -> new ErrorBody(422, "Unprocessable Content", message);
            case FAILED -> new ErrorBody(500, "Server Error", message);
            case REGISTRY_FAILED -> new ErrorBody(502, "Server Error", message);
        };
    }

    /** Uploading without the admin role (Quarkus's policy lets readers through to the route). */
    static ErrorBody forbidden(String message) {
        return new ErrorBody(403, "Forbidden", message);
    }

    /** Anything that is not a refusal: a bug or a broken dependency. */
    static ErrorBody internal(Throwable e) {
        return new ErrorBody(500, "Server Error", "internal error: " + e);
    }

    @ServerExceptionMapper
    public Response refused(ImageStoreException e) {
        ErrorBody body = body(e);
        return Response.status(body.status()).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
