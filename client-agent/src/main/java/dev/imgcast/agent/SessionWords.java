package dev.imgcast.agent;

import dev.imgcast.protocol.net.GroupAddress;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The words after {@code img session NAME}: {@code [master|m|client|c] [clients=COUNT
 * [time=MINUTES|t=MINUTES]]}, checked before anything touches the network.
 *
 * @param role    "master", "client" or null (the device waits; key m makes it the master)
 * @param clients the master's rule: start when this many devices registered, or null
 * @param time    the master's rule: start when this many minutes pass without a registration, or null
 */
record SessionWords(String role, Integer clients, BigDecimal time) {

    boolean master() {
        return "master".equals(role);
    }

    /** Parses the words; a mistake is a usage error that says how it goes. */
    static SessionWords parse(String name, List<String> words, boolean go) {
        try {
            GroupAddress.checkName(name);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        String role = null;
        Integer clients = null;
        BigDecimal time = null;
        for (String w : words) {
            String lower = w.toLowerCase(Locale.ROOT);
            if (lower.equals("master") || lower.equals("m") || lower.equals("client") || lower.equals("c")) {
                if (role != null || clients != null || time != null) {
                    throw Img.Problem.usage("the role comes once, right after the name: img session NAME "
                            + "[master|client] [clients=COUNT [time=MINUTES]]");
                }
                role = lower.startsWith("m") ? "master" : "client";
            } else if (lower.startsWith("clients=")) {
                if (clients != null || time != null) {
                    throw Img.Problem.usage("clients= comes once, before time=");
                }
                clients = count(w.substring(8));
            } else if (lower.startsWith("time=") || lower.startsWith("t=")) {
                if (time != null) {
                    throw Img.Problem.usage("time= comes once");
                }
                if (clients == null) {
                    throw Img.Problem.usage("time= comes after clients=: img session NAME master clients=COUNT "
                            + "time=MINUTES");
                }
                time = minutes(w.substring(w.indexOf('=') + 1));
            } else {
                throw Img.Problem.usage("unknown word '" + w + "': expected master (m), client (c), "
                        + "clients=COUNT or time=MINUTES");
            }
        }
        if ((clients != null || time != null) && !"master".equals(role)) {
            throw Img.Problem.usage("clients= and time= are the master's rules: img session " + name
                    + " master clients=COUNT [time=MINUTES]");
        }
        if (go && !"master".equals(role)) {
            throw Img.Problem.usage("--go is for the master: img session " + name + " master --go");
        }
        return new SessionWords(role, clients, time);
    }

    private static int count(String value) {
        int clients;
        try {
            clients = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Img.Problem.usage("clients= needs a whole number, not '" + value + "'");
        }
        if (clients < 1) {
            throw Img.Problem.usage("clients= must be at least 1, not " + clients);
        }
        return clients;
    }

    private static BigDecimal minutes(String value) {
        BigDecimal time;
        try {
            time = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw Img.Problem.usage("time= needs minutes, e.g. 20 or 0.5, not '" + value + "'");
        }
        if (time.signum() <= 0) {
            throw Img.Problem.usage("time= must be more than 0 minutes, not " + value);
        }
        return time;
    }
}
