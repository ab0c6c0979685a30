package dev.imgcast.session.domain;

import java.math.BigDecimal;

/** A session started from the server with a stored image as its source; {@code confirm} must be true. */
public record ImageSession(String name, String imageId, Integer clients, BigDecimal time, Boolean confirm) {
}
