package dev.imgcast.agent;

import dev.imgcast.registry.client.DeviceView;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What img session shows: on a terminal a screen redrawn in place with every change and every
 * second while the device waits (the countdown ticks from the last view, without asking the
 * registry), then, once the transfer starts, a transfer screen without keys or notices above the
 * progress line; without a terminal one line per real change (a line equal to the last one is not
 * printed again, a countdown alone is no change). A notice (lost contact, what a key did) is shown
 * under the view until replaced. A view older than one already shown (a long poll answered before
 * a key's view) is never shown: the registry's version orders them.
 */
final class DeviceScreen {
    private static final int PEERS_SHOWN = 12;

    private final PrintStream out;
    private final Clock clock;
    private final boolean terminal;
    private final String name;
    private final String interfaceName;
    private final String hostname;
    private final String server;
    private volatile String notice = "";
    private boolean noticeSaid;
    private DeviceView current;
    private String lastPlain;
    private boolean cleared;
    private boolean transferring;
    private ScheduledExecutorService ticker;

    DeviceScreen(boolean terminal, String name, String interfaceName, String hostname, String server) {
        this(System.out, Clock.systemDefaultZone(), terminal, name, interfaceName, hostname, server);
    }

    DeviceScreen(PrintStream out, Clock clock, boolean terminal, String name, String interfaceName, String hostname,
            String server) {
        this.out = out;
        this.clock = clock;
        this.terminal = terminal;
        this.name = name;
        this.interfaceName = interfaceName;
        this.hostname = hostname;
        this.server = server;
    }

    boolean terminal() {
        return terminal;
    }

    String notice() {
        return notice;
    }

    /** Shows the notice with the next view. */
    synchronized void notice(String text) {
        if (!text.equals(notice)) {
            notice = text;
            noticeSaid = false;
        }
    }

    /** Says the notice now, on its own line (a key's refusal). */
    synchronized void sayNotice(String text) {
        notice(text);
        noticeSaid = true;
        out.println(terminal ? "\n" + notice : notice);
        out.flush();
    }

    /** Would key m do something on the view shown last? */
    synchronized boolean offersMaster() {
        return current != null && ScreenTexts.offersMaster(current);
    }

    /** Why key m does nothing on the view shown last. */
    synchronized String noMaster() {
        return current == null ? "not registered yet" : ScreenTexts.noMaster(current);
    }

    /** Shows the view, unless an older one than the view shown last. */
    synchronized void show(DeviceView v) {
        if (current != null && older(v, current)) {
            return;
        }
        if (transferring) {
            if (v.started() && v.runId() == current.runId()) {
                return;  // the transfer screen stays while the run transfers
            }
            transferring = false;
        }
        current = v;
        if (terminal) {
            draw();
            startTicking();
        } else {
            plain();
        }
    }

    /** Redraws the screen shown (the countdown moves on); nothing without a terminal or while transferring. */
    synchronized void tick() {
        if (terminal && !transferring && current != null) {
            draw();
        }
    }

    /**
     * The run started for this device: the keys and notices go, the transfer screen says what this
     * device does ({@code what}); the progress line follows below it.
     */
    synchronized void transfer(DeviceView v, String what) {
        stopTicking();
        current = v;
        transferring = true;
        notice = "";
        noticeSaid = true;
        if (!terminal) {
            plain();
            return;
        }
        StringBuilder b = new StringBuilder("\033[H\033[2J");
        b.append(String.format(Locale.ROOT, "imgcast session %s   run %d   %s%n", name, v.runNo(), v.runState()));
        b.append(String.format(Locale.ROOT, "this device: %s   role %s   %s%n", hostname, v.role(), what));
        b.append(ScreenTexts.status(v, clock.instant(), clock.getZone())).append("\n\n");
        out.print(b);
        out.flush();
    }

    /** Ends the screen (the device quit): no more redraws. */
    synchronized void end() {
        stopTicking();
        transferring = true;
    }

    /** The lines of the waiting screen at {@code now}. */
    List<String> lines(DeviceView v, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "imgcast session %s   run %d   %s", name, v.runNo(), v.runState()));
        lines.add(String.format(Locale.ROOT, "group %s:%d via %s   server %s", v.group(), v.port(), interfaceName, server));
        lines.add(String.format(Locale.ROOT, "this device: %s   role %s   %s", hostname, v.role(), v.state()));
        lines.add(String.format(Locale.ROOT, "source: %s%s", v.sourceKind(), rules(v)));
        lines.add(String.format(Locale.ROOT, "registered: %d", v.registered()));
        List<DeviceView.Peer> peers = v.peers();
        for (int i = 0; i < Math.min(peers.size(), PEERS_SHOWN); i++) {
            DeviceView.Peer p = peers.get(i);
            lines.add(String.format(Locale.ROOT, "  %-20s %-7s %s", p.shownName(), p.role(), p.state()));
        }
        if (peers.size() > PEERS_SHOWN) {
            lines.add("  ... and " + (peers.size() - PEERS_SHOWN) + " more");
        }
        lines.add("");
        lines.add(ScreenTexts.status(v, now, clock.getZone()));
        if (!notice.isEmpty()) {
            lines.add(notice);
        }
        lines.add("");
        lines.add(ScreenTexts.keys(v));
        return lines;
    }

    /** The plain line of a view at {@code now}; with {@code now} null, without the countdown. */
    String plainLine(DeviceView v, Instant now) {
        return String.format(Locale.ROOT, "session %s run %d %s: this device %s %s, %d registered%s; %s", name,
                v.runNo(), v.runState(), v.role(), v.state(), v.registered(), rules(v),
                ScreenTexts.status(v, now, clock.getZone()));
    }

    private void draw() {
        StringBuilder b = new StringBuilder(cleared ? "\033[H" : "\033[H\033[2J");
        cleared = true;
        for (String line : lines(current, clock.instant())) {
            b.append(line).append("\033[K\n");
        }
        b.append("\033[J");
        out.print(b);
        out.flush();
    }

    private void plain() {
        String line = plainLine(current, null);
        if (!line.equals(lastPlain)) {
            lastPlain = line;
            out.println(plainLine(current, clock.instant()));
        }
        if (!noticeSaid && !notice.isEmpty()) {
            out.println(notice);
        }
        noticeSaid = true;
        out.flush();
    }

    private void startTicking() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "img-screen");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void stopTicking() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    private static String rules(DeviceView v) {
        return (v.clients() == null ? "" : "  clients=" + v.clients())
                + (v.time() == null ? "" : "  time=" + v.time().toPlainString());
    }

    /**
     * Is {@code a} older than {@code b}? Versions are {@code RUN.REVISION} (a device's run id only
     * grows: a queued device moves to the next run); a version that is not is never older.
     */
    static boolean older(DeviceView a, DeviceView b) {
        long[] va = version(a.version());
        long[] vb = version(b.version());
        if (va == null || vb == null) {
            return false;
        }
        return va[0] != vb[0] ? va[0] < vb[0] : va[1] < vb[1];
    }

    private static long[] version(String v) {
        int dot = v == null ? -1 : v.indexOf('.');
        if (dot < 0) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(v.substring(0, dot)), Long.parseLong(v.substring(dot + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
