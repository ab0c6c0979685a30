package dev.imgcast.session.domain;

import java.math.BigDecimal;

/** Key m on a device: it becomes the master, with these start rules (both may be null). */
public record MasterClaim(Integer clients, BigDecimal time) {
}
