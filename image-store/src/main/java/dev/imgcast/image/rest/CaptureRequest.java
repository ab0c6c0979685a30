package dev.imgcast.image.rest;

/** {@code POST /api/images/{id}/capture} body: the session to capture. */
public record CaptureRequest(String session) {
}
