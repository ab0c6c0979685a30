package dev.imgcast.registry.client;

/**
 * The names of session-service's device API that both sides must agree on: headers, the default
 * port, the longest long poll. session-service's README describes the API.
 */
public final class RegistryApi {
    /** The enrollment token of the imaging server, sent with a registration. */
    public static final String ENROLLMENT_HEADER = "X-Imgcast-Enrollment-Token";
    /** The participant token a registration answers with, sent with everything after it. */
    public static final String PARTICIPANT_HEADER = "X-Imgcast-Participant-Token";
    /** session-service's HTTP port unless configured otherwise. */
    public static final int DEFAULT_PORT = 8081;
    /** The longest long poll session-service grants, in seconds. */
    public static final int MAX_WAIT_SECONDS = 60;

    private RegistryApi() {
    }

    static String registrations(String session) {
        return "api/sessions/" + session + "/registrations";
    }

    static String participant(long participantId) {
        return "api/participants/" + participantId;
    }
}
