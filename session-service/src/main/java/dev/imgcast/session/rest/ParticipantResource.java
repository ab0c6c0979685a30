package dev.imgcast.session.rest;

import dev.imgcast.session.domain.DeviceView;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.service.DeviceService;
import dev.imgcast.session.service.Waiter;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A registered device: its state (long poll), keys m and g, progress and result. */
@Path("/api/participants/{id}")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
@Tag(name = "devices")
public class ParticipantResource {
    static final int MAX_WAIT_SECONDS = 60;

    @Inject
    DeviceService devices;
    @Inject
    Waiter waiter;

    @GET
        @Operation(summary = "This device's state; with since=VERSION&wait=SECONDS, waits until it changes (long poll)")
    public Uni<DeviceView> get(@PathParam("id") long id, @HeaderParam(RegistrationResource.PARTICIPANT) String token,
                               @QueryParam("since") String since,
                               @QueryParam("wait") @DefaultValue("0") int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new InvalidInputException("wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        return Uni.createFrom().completionStage(() -> waiter.await(id, token, since, waitSeconds * 1000L));
    }

    @POST
    @Path("master")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Make this device the master (key m)")
    public DeviceView master(@PathParam("id") long id, @HeaderParam(RegistrationResource.PARTICIPANT) String token,
                             ClaimMasterRequest request) {
        return devices.claimMaster(id, token, request == null ? null : request.toCommand());
    }

    @POST
    @Path("start")
    @Blocking
    @Operation(summary = "Start imaging now (key g, master only)")
    public DeviceView start(@PathParam("id") long id, @HeaderParam(RegistrationResource.PARTICIPANT) String token) {
        return devices.startByMaster(id, token);
    }

    @POST
    @Path("progress")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Report transfer progress or the result (VERIFIED with the SHA-256, FAILED/DROPPED with a reason)")
    public DeviceView progress(@PathParam("id") long id, @HeaderParam(RegistrationResource.PARTICIPANT) String token,
                               @Valid @NotNull ProgressReport report) {
        return devices.report(id, token, report.toCommand());
    }
}
