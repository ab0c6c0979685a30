package dev.imgcast.agent;

import dev.imgcast.protocol.image.Sizes;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress display: a line redrawn in place on a terminal, a plain line every few seconds
 * otherwise (logs, scripts). Messages are printed on their own lines in both cases. The engine's
 * messages come from its event loop, the progress from the thread waiting for the transfer: the
 * methods take turns.
 */
final class Progress {
    private static final long PLAIN_INTERVAL = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long startedAt = System.nanoTime();
    private long lastPlainAt;
    private boolean lineOpen;
    private long lastBytes;
    private long lastAt = startedAt;
    private double rate;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static boolean onTerminal() {
        return System.console() != null && System.getenv("IMG_PLAIN") == null;
    }

    synchronized void message(String text) {
        clearLine();
        out.println(text);
        out.flush();
    }

    private String lastVerb = "";

    /** Updates the display; call a few times per second. */
    synchronized void update(String verb, long done, long total, String extra) {
        long now = System.nanoTime();
        if (!verb.equals(lastVerb) || done < lastBytes) {
            // A new phase: its rate starts from zero.
            lastVerb = verb;
            lastBytes = done;
            lastAt = now;
            rate = 0;
        }
        double seconds = (now - lastAt) / 1e9;
        if (seconds >= 0.2) {
            double instant = (done - lastBytes) * 8 / seconds;
            rate = rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
            lastBytes = done;
            lastAt = now;
        }
        double share = total == 0 ? 1 : (double) done / total;
        String eta = rate > 0 && done < total ? duration((total - done) * 8 / rate) : "-";
        String line = String.format(Locale.ROOT, "%-9s %5.1f%%  %s of %s  %s  ETA %s%s", verb, share * 100,
                Sizes.human(done), Sizes.human(total), Sizes.bitRate(rate), eta, extra.isEmpty() ? "" : "  " + extra);
        if (terminal) {
            out.print("\r" + line + "\033[K");
            out.flush();
            lineOpen = true;
        } else if (now - lastPlainAt >= PLAIN_INTERVAL) {
            out.println(line);
            out.flush();
            lastPlainAt = now;
        }
    }

    synchronized void clearLine() {
        if (lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
