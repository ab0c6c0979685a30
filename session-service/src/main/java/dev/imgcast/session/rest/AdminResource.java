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
import jakarta.ws.rs.PUT;
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
                    + "without a master). Needs \"confirm\": true. The image must be stored (404 if unknown, 409 "
                    + "while uploading, 503 if the image store does not answer; nothing is created). clients/time "
                    + "are its start rules; without them the session starts at once with the devices waiting "
                    + "(409 when none waits).")
    public Response create(@Valid @NotNull CreateSessionRequest request) {
        CreatedSession c = admin.createFromServer(request.toCommand(), "admin " + identity.getPrincipal().getName());
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

    @PUT
    @Path("{name}/rules")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the start rules (clients, time) of the waiting run",
            description = "Applied at once: lowering clients to the number registered starts the run; time counts "
                    + "from now. A run the server sends left without rules starts now. 409 once the run started "
                    + "or ended.")
    public SessionView changeRules(@PathParam("name") String name, @Valid @NotNull ChangeRulesRequest request) {
        return admin.changeRules(name, request.toCommand(), "admin " + identity.getPrincipal().getName());
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Cancel the live run; devices queued during it form the next run",
            description = "reason (optional, at most 200 characters, no control characters) is added to the run's end "
                    + "reason, which every device of the run prints as it stops")
    public SessionView cancel(@PathParam("name") String name, @QueryParam("reason") String reason) {
        if (reason != null && (reason.isBlank() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl))) {
            throw new InvalidInputException("reason must be 1 to 200 characters without control characters");
        }
        return admin.cancel(name, "admin " + identity.getPrincipal().getName() + (reason == null ? "" : ": " + reason.strip()));
    }
}
