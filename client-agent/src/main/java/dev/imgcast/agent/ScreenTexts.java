package dev.imgcast.agent;

import dev.imgcast.registry.client.DeviceView;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of img session's screens, without output: what a person reads from a device's view at
 * a given moment. Times are never shown as the registry's instants: a start ahead is a countdown
 * with the local wall time ({@code starts in 4:32 (at 15:34:38 local)}), a moment past says how
 * long ago. Without a moment ({@code now} null) the texts name the local time only: the plain
 * lines compare those, so a countdown alone is no change.
 */
final class ScreenTexts {
    static final String M_KEY = "m = make THIS device's disk the source";
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Pattern INSTANT = Pattern.compile(
            "(starts at |at )?(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?Z)");

    private ScreenTexts() {
    }

    /**
     * May this device become the source now (key m)? Only a device without a role in a run that is
     * still open and has no source: not a queued one, not one started as a client, not the master.
     */
    static boolean offersMaster(DeviceView v) {
        return v.inRun() && "OPEN".equals(v.runState()) && "NONE".equals(v.sourceKind()) && !v.master()
                && !"CLIENT".equals(v.role());
    }

    /** Why m does nothing here (when {@link #offersMaster} is false). */
    static String noMaster(DeviceView v) {
        if (!v.inRun()) {
            return "this device is queued for the next run: it receives that run's image";
        }
        if (v.master()) {
            return "this device's disk is already the source";
        }
        if ("CLIENT".equals(v.role())) {
            return "this device was started as a client: it receives the image";
        }
        if (!"OPEN".equals(v.runState())) {
            return "imaging of run " + v.runNo() + " has started";
        }
        return "IMAGE".equals(v.sourceKind()) ? "the session sends an image from the server"
                : "the session already has a master device";
    }

    /** The keys that do something on this device now. */
    static String keys(DeviceView v) {
        StringBuilder b = new StringBuilder("keys: ");
        if (offersMaster(v)) {
            b.append(M_KEY).append("   ");
        }
        if (v.master() && "OPEN".equals(v.runState())) {
            b.append("g = start imaging   ");
        }
        return b.append("q = quit").toString();
    }

    /** What the device waits for, or what happened to it, with times as a person reads them. */
    static String status(DeviceView v, Instant now, ZoneId zone) {
        Duration most = v.time() == null ? null
                : Duration.ofMillis(v.time().multiply(BigDecimal.valueOf(60_000)).longValue());
        if (v.inRun() && "OPEN".equals(v.runState())) {
            String prefix = v.master() ? "this device's disk is the source; " : "";
            if ("NONE".equals(v.sourceKind())) {
                return prefix + (offersMaster(v)
                        ? "no source yet: press m to make THIS device's disk the source (the image every other device"
                                + " receives), or start the session from the server with an image"
                        : "no source yet: waiting for a device to become the master (m on that device), or for a start"
                                + " from the server");
            }
            if (v.waitingFor() != null) {
                return prefix + times(v.waitingFor(), now, zone, most);
            }
        }
        return times(v.message(), now, zone, most);
    }

    /**
     * The text with every ISO instant in it as local time: "starts at INSTANT" as a countdown
     * (at most {@code most}, never below 0:00: another host's clock may differ) and its local
     * time, any other instant as its local time and how long ago or ahead it is. With {@code now}
     * null, the local times only.
     */
    static String times(String text, Instant now, ZoneId zone, Duration most) {
        if (text == null) {
            return "";
        }
        Matcher m = INSTANT.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Instant at;
            try {
                at = Instant.parse(m.group(2));
            } catch (DateTimeParseException e) {
                continue;
            }
            String local = LOCAL.format(at.atZone(zone)) + " local";
            String said;
            if ("starts at ".equals(m.group(1))) {
                said = now == null ? "starts at " + local : "starts in " + countdown(at, now, most) + " (at " + local + ")";
            } else {
                said = (m.group(1) == null ? "" : m.group(1)) + local + (now == null ? "" : " (" + relative(at, now) + ")");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(said));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Time left until {@code at}, e.g. {@code 4:32}: rounded up, within 0 and {@code most}. */
    static String countdown(Instant at, Instant now, Duration most) {
        Duration left = Duration.between(now, at);
        if (left.isNegative()) {
            left = Duration.ZERO;
        }
        if (most != null && left.compareTo(most) > 0) {
            left = most;
        }
        long millis = left.toMillis();
        return Progress.duration((millis + 999) / 1000);
    }

    private static String relative(Instant at, Instant now) {
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Progress.duration(-d.toSeconds()) + " ago" : "in " + countdown(at, now, null);
    }
}
