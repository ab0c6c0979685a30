package dev.imgcast.agent;

/** The exit codes of img, as {@code --help} lists them. */
public final class ExitCode {
    /** The copy (every copy, for a sender) is verified. */
    public static final int VERIFIED = 0;
    /** The transfer ran but failed: verification failed, dropped, or a receiver failed. */
    public static final int FAILED = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The image or target is unusable: missing, unreadable, read-only, too small, disk full. */
    public static final int DISK = 3;
    /** The network is unusable: no such interface, no multicast, no sender heard, peer silent. */
    public static final int NETWORK = 4;
    /** Refused: the transfer had already started, or the session refused what was asked (a second master). */
    public static final int REFUSED = 5;
    /** session-service cannot be reached, or is not a session-service (img session). */
    public static final int SERVER = 6;
    /** session-service refused the enrollment token or the device's credentials (img session). */
    public static final int AUTH = 7;
    /**
     * The device's run ended in session-service (cancelled by the admin, or failed) before this
     * device's copy was done: it stopped at once, printing the registry's reason (img session).
     */
    public static final int RUN_ENDED = 8;

    public static final String HELP = """
            Exit codes:
              0  verified (a sender: every receiver verified)
              1  transfer failed (verification failed, dropped by the sender, a receiver failed)
              2  usage error
              3  image or target unusable (missing, read-only, too small, disk full)
              4  network unusable (no such interface, no multicast, no sender heard, peer silent)
              5  refused: the transfer had already started, or the session refused the request
                 (e.g. a second master)
              6  session-service unreachable, or not a session-service at that URL
              7  session-service refused the enrollment token
              8  the session's run was cancelled or failed in session-service before this device's
                 copy was done (the device stops at once and prints the registry's reason)""";

    private ExitCode() {
    }
}
