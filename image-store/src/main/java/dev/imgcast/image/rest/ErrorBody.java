package dev.imgcast.image.rest;

/** The error body image-store answers with: {@code {"status","error","message"}}. */
public record ErrorBody(int status, String error, String message) {
    static ErrorBody of(int status, String message) {
        String error = switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            default -> status >= 500 ? "Server Error" : "Error";
        };
        return new ErrorBody(status, error, message);
    }
}
