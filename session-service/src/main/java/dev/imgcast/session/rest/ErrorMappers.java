package dev.imgcast.session.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.domain.MissingCredentialsException;
import dev.imgcast.session.domain.NotPermittedException;
import dev.imgcast.session.domain.SessionException;
import dev.imgcast.session.domain.UnavailableException;
import dev.imgcast.session.domain.UnknownSessionException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into a status and a sentence; nothing leaks a stack trace to a client. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** The rules' refusals: each kind has its status. */
    @ServerExceptionMapper
    public Response refused(SessionException e) {
        return respond(status(e), e.getMessage());
    }

    static int status(SessionException e) {
        if (e instanceof InvalidInputException) {
            return 400;
        } else if (e instanceof MissingCredentialsException) {
            return 401;
        } else if (e instanceof NotPermittedException) {
            return 403;
        } else if (e instanceof UnknownSessionException) {
            return 404;
        } else if (e instanceof ConflictException) {
            return 409;
        } else if (e instanceof UnavailableException) {
            return 503;
        }
        throw new IllegalStateException("a refusal without a status: " + e.getClass().getName());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String where = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? " at '" + m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                        : "[" + r.getIndex() + "]").collect(Collectors.joining(".")) + "'"
                : "";
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof InvalidFormatException f) {
            String value = String.valueOf(f.getValue());
            what = "'" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "' is not a valid "
                    + f.getTargetType().getSimpleName().toLowerCase()
                    + where;
        } else if (e instanceof MismatchedInputException) {
            what = "wrong type of value" + where;
        } else {
            what = "malformed JSON (line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
                    + ", column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()) + ")";
        }
        return respond(400, "request body: " + what);
    }

    /** Overrides Quarkus's own mapper for this one, whose body has no message. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return respond(400, message);
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        return respond(400, e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JsonProcessingException j) {
                return json(j);
            }
        }
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "this API answers application/json";
            case 415 -> "send the request body as application/json";
            case 400 -> "request body: " + (e.getCause() != null ? e.getCause().getMessage() : "missing or unreadable");
            default -> e.getMessage();
        };
        return respond(status, message);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure", e);
        return respond(500, "internal error: " + e.getClass().getSimpleName()
                + " (the service log has the details)");
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    static Response respond(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ErrorBody.of(status, message)).build();
    }
}
