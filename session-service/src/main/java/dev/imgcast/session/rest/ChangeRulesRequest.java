package dev.imgcast.session.rest;

import dev.imgcast.session.domain.RulesChange;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "The start rules of a waiting run, replaced as a whole: a field left out is no such rule")
public record ChangeRulesRequest(
        @Schema(description = "start when this many devices (besides a master) have registered, 1 to 10000")
        Integer clients,
        @Schema(description = "start when this many minutes (decimals allowed, 0.001 to 1440) pass after the change or"
                + " the last registration")
        BigDecimal time) {
    RulesChange toCommand() {
        return new RulesChange(clients, time);
    }
}
