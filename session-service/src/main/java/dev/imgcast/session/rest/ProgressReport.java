package dev.imgcast.session.rest;

import dev.imgcast.session.domain.Progress;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Transfer progress or result of one device, reported by the device itself")
public record ProgressReport(
        @Schema(description = "TRANSFERRING, VERIFIED, FAILED or DROPPED", required = true) @NotBlank String state,
        Long bytesDone,
        Long bytesTotal,
        @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex digits") String sha256,
        @Size(max = 500) String reason) {
    Progress toCommand() {
        return new Progress(state, bytesDone, bytesTotal, sha256, reason);
    }
}
