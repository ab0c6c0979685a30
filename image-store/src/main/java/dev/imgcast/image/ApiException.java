package dev.imgcast.image;

import io.vertx.core.json.JsonObject;

/** A refusal with an HTTP status and a message that says what is wrong. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The error body every imgcast service answers with. */
    public static JsonObject body(int status, String message) {
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
        return new JsonObject().put("status", status).put("error", error).put("message", message);
    }
}
