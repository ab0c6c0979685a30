package dev.imgcast.session.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Bounds on what users may ask for; the same numbers are CHECK constraints in the schema. */
public final class Limits {
    public static final int MAX_CLIENTS = 10_000;
    /** One day: longer waits are a typing mistake, not a plan. */
    public static final BigDecimal MAX_TIME_MINUTES = BigDecimal.valueOf(1440);
    /** 0.001 minutes = 60 ms: small enough for tests, and it must round to at least 1 ms. */
    public static final BigDecimal MIN_TIME_MINUTES = new BigDecimal("0.001");

    private Limits() {
    }

    /** Validated {@code clients=}; null stays null. */
    public static Integer clients(Integer clients) {
        if (clients == null) {
            return null;
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("clients must be between 1 and " + MAX_CLIENTS + ", got " + clients);
        }
        return clients;
    }

    /**
     * A number as a refusal can repeat it: plain for ordinary values, scientific past 30 digits
     * either side of the point (the plain form of 1e999999999 has a billion digits).
     */
    static String shown(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        return Math.abs((long) v.precision() - v.scale()) > 30 || Math.abs(v.scale()) > 30 ? v.toString() : v.toPlainString();
    }

    /** Validated {@code time=} in minutes (decimals allowed), as milliseconds; null stays null. */
    public static Long timeMillis(BigDecimal minutes) {
        if (minutes == null) {
            return null;
        }
        if (minutes.compareTo(MIN_TIME_MINUTES) < 0 || minutes.compareTo(MAX_TIME_MINUTES) > 0) {
            throw new IllegalArgumentException("time must be between " + MIN_TIME_MINUTES + " and "
                    + MAX_TIME_MINUTES + " minutes, got " + shown(minutes));
        }
        return minutes.multiply(BigDecimal.valueOf(60_000)).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
