package dev.imgcast.session.api;

import dev.imgcast.session.SessionRegistry;
import dev.imgcast.session.Secrets;
import dev.imgcast.session.Waiter;
import dev.imgcast.session.api.Dtos.ClaimMasterRequest;
import dev.imgcast.session.api.Dtos.DeviceView;
import dev.imgcast.session.api.Dtos.ProgressReport;
import dev.imgcast.session.api.Dtos.RegisterRequest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the {@code img session} command on a device uses. Registration needs the enrollment
 * token; everything after it, the participant token that registration returned.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
@Tag(name = "devices")
public class DeviceResource {
    public static final String ENROLLMENT = "X-Imgcast-Enrollment-Token";
    public static final String PARTICIPANT = "X-Imgcast-Participant-Token";
    static final int MAX_WAIT_SECONDS = 60;

    @Inject
    SessionRegistry registry;
    @Inject
    Waiter waiter;

    @ConfigProperty(name = "imgcast.enrollment-token")
    String enrollmentToken;

    @POST
    @Path("sessions/{name}/registrations")
    @Blocking
    @Operation(summary = "Register this device in a session (img session NAME ...)",
            description = "Opens the session if it is not live. Returns the participant token, and the group, port "
                    + "and key once the device is in the run; a device that comes after the start is QUEUED "
                    + "for the next run.")
    public DeviceView register(@PathParam("name") String name,
                               @Parameter(description = "the enrollment token of this imaging server")
                               @HeaderParam(ENROLLMENT) String token,
                               @Valid @NotNull RegisterRequest request) {
        if (token == null || token.isBlank()) {
            throw ApiException.unauthorized("missing enrollment token (header " + ENROLLMENT + ")");
        }
        if (!Secrets.sameSecret(enrollmentToken, token)) {
            throw ApiException.forbidden("wrong enrollment token");
        }
        return registry.register(name, request);
    }

    @GET
    @Path("participants/{id}")
    @Operation(summary = "This device's state; with since=VERSION&wait=SECONDS, waits until it changes (long poll)")
    public Uni<DeviceView> get(@PathParam("id") long id, @HeaderParam(PARTICIPANT) String token,
                               @QueryParam("since") String since,
                               @QueryParam("wait") @DefaultValue("0") int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        return Uni.createFrom().completionStage(() -> waiter.await(id, token, since, waitSeconds * 1000L));
    }

    @POST
    @Path("participants/{id}/master")
    @Blocking
    @Operation(summary = "Make this device the master (key m)")
    public DeviceView master(@PathParam("id") long id, @HeaderParam(PARTICIPANT) String token,
                             ClaimMasterRequest request) {
        return registry.claimMaster(id, token, request);
    }

    @POST
    @Path("participants/{id}/start")
    @Blocking
    @Operation(summary = "Start imaging now (key g, master only)")
    public DeviceView start(@PathParam("id") long id, @HeaderParam(PARTICIPANT) String token) {
        return registry.startByMaster(id, token);
    }

    @POST
    @Path("participants/{id}/progress")
    @Blocking
    @Operation(summary = "Report transfer progress or the result (VERIFIED with the SHA-256, FAILED/DROPPED with a reason)")
    public DeviceView progress(@PathParam("id") long id, @HeaderParam(PARTICIPANT) String token,
                               @Valid @NotNull ProgressReport report) {
        return registry.report(id, token, report);
    }
}
