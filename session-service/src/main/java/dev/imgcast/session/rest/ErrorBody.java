package dev.imgcast.session.rest;

/** Every 4xx/5xx of the API has this body. */
public record ErrorBody(int status, String error, String message) {
    public static ErrorBody of(int status, String message) {
        String error = switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Error";
        };
        return new ErrorBody(status, error, message);
    }
}
