package dev.imgcast.image.rest;

/** The error body image-store answers with: {@code {"status","error","message"}}. */
public record ErrorBody(int status, String error, String message) {
}
