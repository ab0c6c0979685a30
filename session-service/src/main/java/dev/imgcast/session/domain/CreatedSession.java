package dev.imgcast.session.domain;

/** A session started from the server: its view, and whether the run was opened (else an open run got the image). */
public record CreatedSession(SessionView view, boolean created) {
}
