package dev.imgcast.registry.client;

/**
 * session-service refused or could not be reached. The message says so for a person; the kind
 * says what it means (a command picks its exit code from it, a service its HTTP status), and
 * {@link #serverMessage()} is the server's own word when it gave one.
 */
public final class RegistryException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** No answer: connection refused, timeout, interrupted. */
        UNREACHABLE,
        /** An answer, but not from a session-service (no JSON, or 404 on the API's paths). */
        NOT_A_REGISTRY,
        /** 400: what was sent is invalid. */
        BAD_REQUEST,
        /** 401/403 on a registration: the enrollment token. */
        ENROLLMENT_REFUSED,
        /** 401/403 after the registration: the participant token. */
        TOKEN_REFUSED,
        /** 403 or 409: the request is refused as things are (a second master, a result already given). */
        REFUSED,
        /** Any other failure of the server. */
        SERVER_ERROR,
        /** The run this device was registered in ended before the device took part. */
        RUN_ENDED
    }

    private final Kind kind;
    private final int status;
    private final String serverMessage;

    public RegistryException(Kind kind, int status, String message, String serverMessage) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.serverMessage = serverMessage;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 without an answer. */
    public int status() {
        return status;
    }

    /** The server's {@code message}, or null when it gave none. */
    public String serverMessage() {
        return serverMessage;
    }
}
