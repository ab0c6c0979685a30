package dev.imgcast.image.rest;

import dev.imgcast.image.ImageStoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where an image-store refusal becomes an HTTP status and an error body. */
public class ErrorMapper {

    static int status(ImageStoreException e) {
        return switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case RANGE_NOT_SATISFIABLE -> 416;
            case CHECKSUM_MISMATCH -> 422;
            case FAILED -> 500;
            case REGISTRY_FAILED -> 502;
        };
    }

    static ErrorBody body(ImageStoreException e) {
        return ErrorBody.of(status(e), e.getMessage());
    }

    @ServerExceptionMapper
    public Response refused(ImageStoreException e) {
        return Response.status(status(e)).type(MediaType.APPLICATION_JSON).entity(body(e)).build();
    }
}
