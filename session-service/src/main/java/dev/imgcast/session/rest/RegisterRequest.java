package dev.imgcast.session.rest;

import dev.imgcast.session.domain.Registration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A device registering for a session, as `img session NAME [master|client] [clients=N [time=T]]` does")
public record RegisterRequest(
        @Schema(description = "Stable id of the device (e.g. its machine-id or main MAC)", required = true)
        @NotBlank @Size(max = 64) @Pattern(regexp = Names.CHARS, message = Names.MESSAGE)
        String deviceId,
        @Size(max = 253) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
        String hostname,
        @Pattern(regexp = "([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}", message = "must look like 00:11:22:33:44:55") String mac,
        @Schema(description = "The device's address on the imaging network (the master's is where receivers send repairs)")
        @Size(max = 45) String address,
        @Schema(description = "master, m, client, c, or nothing (wait; key m may still make this device the master)")
        String role,
        @Schema(description = "clients=N: start when N devices besides the master have registered (master only)")
        Integer clients,
        @Schema(description = "time=T in minutes, decimals allowed: start when T passes without a new registration (master only)")
        BigDecimal time) {
    Registration toCommand() {
        return new Registration(deviceId, hostname, mac, address, role, clients, time);
    }
}
