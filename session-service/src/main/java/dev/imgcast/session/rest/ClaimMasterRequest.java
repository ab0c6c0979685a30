package dev.imgcast.session.rest;

import dev.imgcast.session.domain.MasterClaim;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Make the calling device the master (key m), with its start rules")
public record ClaimMasterRequest(Integer clients, BigDecimal time) {
    MasterClaim toCommand() {
        return new MasterClaim(clients, time);
    }
}
