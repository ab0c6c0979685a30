package dev.imgcast.session.rest;

import dev.imgcast.registry.client.RegistryApi;
import dev.imgcast.session.domain.DeviceView;
import dev.imgcast.session.domain.MissingCredentialsException;
import dev.imgcast.session.domain.NotPermittedException;
import dev.imgcast.session.service.DeviceService;
import dev.imgcast.session.support.Secrets;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the {@code img session} command on a device uses. Registration needs the enrollment
 * token; everything after it, the participant token that registration returned.
 */
@Path("/api/sessions/{name}/registrations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
@Tag(name = "devices")
public class RegistrationResource {
    public static final String ENROLLMENT = RegistryApi.ENROLLMENT_HEADER;
    public static final String PARTICIPANT = RegistryApi.PARTICIPANT_HEADER;

    @Inject
    DeviceService devices;

    /** What devices must send to register; no default: the service refuses to start without it. */
    @ConfigProperty(name = "imgcast.enrollment-token")
    String enrollmentToken;

    @POST
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
            throw new MissingCredentialsException("missing enrollment token (header " + ENROLLMENT + ")");
        }
        if (!Secrets.sameSecret(enrollmentToken, token)) {
            throw new NotPermittedException("wrong enrollment token");
        }
        return devices.register(name, request.toCommand());
    }
}
