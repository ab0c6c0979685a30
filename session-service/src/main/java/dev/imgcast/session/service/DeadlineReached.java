package dev.imgcast.session.service;

import java.time.Instant;

/** A deadline of a run (its {@code time=} rule, or its result grace) has passed: look at the due runs. */
public record DeadlineReached(Instant deadline) {
}
