package dev.imgcast.image;

/** What the admin learns when a capture registered in a session: the registry's answer to it. */
public record CaptureStarted(String imageId, String session, long participantId, String state, String message) {
}
