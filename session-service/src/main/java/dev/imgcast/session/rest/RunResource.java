package dev.imgcast.session.rest;

import dev.imgcast.session.domain.Throughput;
import dev.imgcast.session.service.AdminService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One run by its id (the runId of a session view): its throughput history. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "sessions (admin)")
@SecurityRequirement(name = "admin")
public class RunResource {
    @Inject
    AdminService admin;

    @GET
    @Path("{runId}/throughput")
    @Operation(summary = "Throughput of a run over time: the sender's rate and the devices' mean write rate",
            description = "One point per sample (at most one a second while the run transfers, one at its end); "
                    + "t is seconds since the start, rates are bytes per second over the interval before the point.")
    public Throughput throughput(@PathParam("runId") long runId) {
        return admin.throughput(runId);
    }
}
