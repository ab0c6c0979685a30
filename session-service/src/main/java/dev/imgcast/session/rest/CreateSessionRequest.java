package dev.imgcast.session.rest;

import dev.imgcast.session.domain.ImageSession;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Start a multicast session from the server, with a stored image as its source")
public record CreateSessionRequest(
        @NotBlank String name,
        @NotBlank @Size(max = 128) @Pattern(regexp = Names.CHARS, message = Names.MESSAGE)
        String imageId,
        Integer clients,
        BigDecimal time,
        @Schema(description = "must be true: the image will be written to every device that joins")
        Boolean confirm) {
    ImageSession toCommand() {
        return new ImageSession(name, imageId, clients, time, confirm);
    }
}
