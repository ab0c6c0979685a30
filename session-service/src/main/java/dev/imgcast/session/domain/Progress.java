package dev.imgcast.session.domain;

/** A device's progress or result: TRANSFERRING, VERIFIED (with the SHA-256), FAILED or DROPPED (with a reason). */
public record Progress(String state, Long bytesDone, Long bytesTotal, String sha256, String reason) {
}
