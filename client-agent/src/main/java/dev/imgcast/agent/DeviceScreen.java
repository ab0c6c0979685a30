package dev.imgcast.agent;

import dev.imgcast.registry.client.DeviceView;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What img session shows while the device waits for the start: on a terminal a screen redrawn
 * with every change (who is there, the keys), otherwise one line per change. A notice (lost
 * contact, what a key did) is shown under it until replaced.
 */
final class DeviceScreen {
    private static final int PEERS_SHOWN = 12;

    private final PrintStream out = System.out;
    private final boolean terminal;
    private final String name;
    private final String interfaceName;
    private final String hostname;
    private final String server;
    private volatile String notice = "";
    private String shownVersion = "";

    DeviceScreen(boolean terminal, String name, String interfaceName, String hostname, String server) {
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

    /** Shows the notice with the next view, even an unchanged one. */
    synchronized void notice(String text) {
        notice = text;
        shownVersion = "";
    }

    /** Says the notice now, on its own line (a key's refusal). */
    synchronized void sayNotice(String text) {
        notice(text);
        out.println(terminal ? "\n" + notice : notice);
        out.flush();
    }

    /** Shows the view unless it is the one shown, with the same notice. */
    synchronized void show(DeviceView v) {
        String version = v.version() + notice;
        if (version.equals(shownVersion)) {
            return;
        }
        shownVersion = version;
        String rules = (v.clients() == null ? "" : "  clients=" + v.clients())
                + (v.time() == null ? "" : "  time=" + v.time());
        if (!terminal) {
            out.printf(Locale.ROOT, "session %s run %d %s: %s %s, %d registered%s; %s%n", name, v.runNo(),
                    v.runState(), "this device " + v.role(), v.state(), v.registered(), rules, v.message());
            if (!notice.isEmpty()) {
                out.println(notice);
            }
            out.flush();
            return;
        }
        StringBuilder b = new StringBuilder("\033[H\033[2J");
        b.append(String.format(Locale.ROOT, "imgcast session %s   run %d   %s%n", name, v.runNo(), v.runState()));
        b.append(String.format(Locale.ROOT, "group %s:%d via %s   server %s%n", v.group(), v.port(), interfaceName,
                server));
        b.append(String.format(Locale.ROOT, "this device: %s   role %s   %s%n", hostname, v.role(), v.state()));
        b.append(String.format(Locale.ROOT, "source: %s%s%n", v.sourceKind(), rules));
        b.append(String.format(Locale.ROOT, "registered: %d%n", v.registered()));
        List<DeviceView.Peer> peers = v.peers();
        for (int i = 0; i < Math.min(peers.size(), PEERS_SHOWN); i++) {
            DeviceView.Peer p = peers.get(i);
            b.append(String.format(Locale.ROOT, "  %-20s %-7s %s%n", p.shownName(), p.role(), p.state()));
        }
        if (peers.size() > PEERS_SHOWN) {
            b.append("  ... and ").append(peers.size() - PEERS_SHOWN).append(" more\n");
        }
        b.append('\n').append(v.message()).append('\n');
        if (!notice.isEmpty()) {
            b.append(notice).append('\n');
        }
        b.append("\nkeys: m = make this device the master   g = start imaging (master)   q = quit\n");
        out.print(b);
        out.flush();
    }
}
