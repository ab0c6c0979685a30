package dev.imgcast.session.domain;

import java.math.BigDecimal;

/** The admin replaces a waiting run's start rules: {@code clients=} and {@code time=} (null: not set). */
public record RulesChange(Integer clients, BigDecimal time) {
}
