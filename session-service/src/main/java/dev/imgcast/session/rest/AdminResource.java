package dev.imgcast.session.rest;

import dev.imgcast.session.domain.CreatedSession;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.domain.SessionView;
import dev.imgcast.session.service.AdminService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The imaging server's view of sessions: list, show, start from the server, start, cancel. */
@Path("/api/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "sessions (admin)")
@SecurityScheme(securitySchemeName = "admin", type = SecuritySchemeType.HTTP, scheme = "basic")
@SecurityRequirement(name = "admin")
public class AdminResource {
    @Inject
    AdminService admin;
    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "Live sessions (all=true: every run ever, newest first; limit: at most that many)")
    public List<SessionView> list(@QueryParam("all") @DefaultValue("false") String all,
                                  @QueryParam("limit") @jakarta.validation.constraints.Min(1) Integer limit) {
        if (!all.equals("true") && !all.equals("false")) {
            throw new InvalidInputException("all must be true or false");
        }
        return admin.list(Boolean.parseBoolean(all), limit);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a multicast session manually, with a stored image as its source",
            description = "Opens the session (or gives an image to an open session whose devices are waiting "
                    + "without a master). Needs \"confirm\": true. clients/time are its start rules; without "
                    + "them, POST /api/sessions/{name}/start starts it.")
    public Response create(@Valid @NotNull CreateSessionRequest request) {
        CreatedSession c = admin.createFromServer(request.toCommand());
        return Response.status(c.created() ? 201 : 200).location(URI.create("/api/sessions/" + request.name()))
                .entity(c.view()).build();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "The live run of a session (or its last run), with participants and the queue")
    public SessionView show(@PathParam("name") String name) {
        return admin.view(name);
    }

    @GET
    @Path("{name}/runs")
    @Operation(summary = "Every run of a session, newest first")
    public List<SessionView> runs(@PathParam("name") String name) {
        return admin.history(name);
    }

    @POST
    @Path("{name}/start")
    @Operation(summary = "Start imaging now (what g does on the master)")
    public SessionView start(@PathParam("name") String name) {
        return admin.startByAdmin(name, "admin " + identity.getPrincipal().getName());
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Cancel the live run; devices queued during it form the next run")
    public SessionView cancel(@PathParam("name") String name) {
        return admin.cancel(name, "admin " + identity.getPrincipal().getName());
    }
}
