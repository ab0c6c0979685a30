package dev.imgcast.session.rules;

import dev.imgcast.session.model.SourceKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * The start rules of an {@code img session}, without a database: given what is known about an
 * open run, start now or keep waiting (and until when, for the {@code time=} rule).
 *
 * <ul>
 *   <li>never start a run that has no source (no master device, no image);</li>
 *   <li>{@code clients=N}: start as soon as N devices besides the master have registered;</li>
 *   <li>{@code time=T}: start when T minutes pass after the last registration, if at least one
 *       device besides the master is there to receive;</li>
 *   <li>neither: wait for {@code g} on the master or a start from the server (a run the server
 *       sends has no master: it waits for the admin only; confirmed without rules, it does not wait).</li>
 * </ul>
 */
public final class StartRules {
    private StartRules() {
    }

    /** What the rules look at. {@code clients}/{@code timeMillis} are null when not set. */
    public record Facts(SourceKind source, Integer clients, Long timeMillis, long registeredClients,
                        Instant lastRegistration) {
    }

    public sealed interface Decision permits Start, Wait {
    }

    public record Start(String reason) implements Decision {
    }

    /** {@code deadline} is when the time rule will fire if nobody else registers, or null. */
    public record Wait(String reason, Instant deadline) implements Decision {
    }

    public static Decision evaluate(Facts f, Instant now) {
        if (f.source() == SourceKind.NONE) {
            return new Wait("no source yet: press m on the device whose disk is the image, or start "
                    + "the session from the server with an image", null);
        }
        if (f.clients() != null && f.registeredClients() >= f.clients()) {
            return new Start("clients=" + f.clients() + " reached (" + f.registeredClients() + " registered)");
        }
        if (f.timeMillis() != null && f.lastRegistration() != null) {
            Instant deadline = f.lastRegistration().plusMillis(f.timeMillis());
            if (f.registeredClients() == 0) {
                return new Wait("time=" + minutes(f.timeMillis()) + " runs once a device has registered", null);
            }
            if (!now.isBefore(deadline)) {
                return new Start("time=" + minutes(f.timeMillis()) + " passed without a new registration ("
                        + f.registeredClients() + (f.clients() == null ? "" : " of " + f.clients())
                        + " registered)");
            }
            return new Wait("starts at " + deadline + " unless another device registers"
                    + (f.clients() == null ? "" : ", or when " + f.clients() + " have registered"), deadline);
        }
        if (f.clients() != null) {
            return new Wait("waiting for " + f.clients() + " devices (" + f.registeredClients() + " registered)",
                    null);
        }
        if (f.source() == SourceKind.IMAGE) {
            return new Wait("waiting for the admin to start it from the server (" + f.registeredClients()
                    + " registered; no clients= or time=)", null);
        }
        return new Wait("waiting for g on the master, or a start from the server", null);
    }

    /**
     * An explicit start ({@code g} on the master, or the server): refused, with the reason,
     * when the run has no source or nobody to send to. Returns null when allowed.
     */
    public static String refuseExplicitStart(SourceKind source, long registeredClients) {
        if (source == SourceKind.NONE) {
            return "the session has no source: no device is master and no image was given";
        }
        if (registeredClients == 0) {
            return "no device has registered to receive the image yet";
        }
        return null;
    }

    /** Minutes as the user wrote them, e.g. {@code 20} or {@code 0.05}. */
    public static String minutes(long millis) {
        return minutesDecimal(millis).toPlainString();
    }

    public static BigDecimal minutesDecimal(long millis) {
        return BigDecimal.valueOf(millis).divide(BigDecimal.valueOf(60_000), 6, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }
}
