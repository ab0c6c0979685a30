package dev.imgcast.session.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.InstantSource;

/**
 * The one source of the current time in session-service: the system clock here; the tests
 * replace it with a clock they advance, so the time rules are tested without waiting.
 */
@ApplicationScoped
public class Clocks {
    @Produces
    @ApplicationScoped
    InstantSource system() {
        return InstantSource.system();
    }
}
