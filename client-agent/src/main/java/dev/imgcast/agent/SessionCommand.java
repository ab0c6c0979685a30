package dev.imgcast.agent;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.net.NetworkChoice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * img session NAME [master|m|client|c] [clients=COUNT [time=MINUTES|t=MINUTES]]: the device
 * side of a session. Registers with session-service, shows who is there, takes the keys m and g,
 * then receives the image onto the disk (a client) or sends its own disk (the master).
 */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = {"Take part in a multicast imaging session run by session-service.",
            "",
            "  img session NAME                    wait; press m here to make this device the master",
            "  img session NAME master|m           this device's disk is the image; press g to start",
            "  img session NAME client|c           receive the image onto --disk",
            "  img session NAME master clients=N   start when N devices have registered",
            "  img session NAME master clients=N time=T",
            "                                      ... or when T minutes (decimals allowed) pass without",
            "                                      a new registration",
            "",
            "Keys while waiting: m = make this device the master, g = start imaging (master), q = quit.",
            "Without a terminal the same letters are read from standard input; --go starts as soon as a",
            "device has registered. A device that comes after the start waits for the next run.",
            "Nothing is written to --disk before the sender accepted this device and the disk was checked."},
        footer = {"", ExitCode.HELP})
public final class SessionCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Session name (every device of the session types the same).")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ROLE|clients=N|time=T",
            description = "master (m) or client (c); the master may add clients=COUNT and then time=MINUTES (t=).")
    List<String> words = new ArrayList<>();

    @Option(names = {"-S", "--server"}, paramLabel = "URL", defaultValue = "${env:IMG_SERVER}",
            description = "session-service URL, e.g. http://imaging:8081 (default: $IMG_SERVER).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:IMG_ENROLLMENT_TOKEN}",
            description = "Enrollment token of the imaging server (default: $IMG_ENROLLMENT_TOKEN).")
    String token;

    @Option(names = {"-d", "--disk"}, required = true, paramLabel = "PATH",
            description = "The disk (block device) or image file: written on a client, read on the master.")
    Path disk;

    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE",
            description = "Network interface of the imaging network (required: never guessed).")
    String interfaceName;

    @Option(names = "--device-id", paramLabel = "ID",
            description = "Stable id of this device (default: the MAC address of --interface).")
    String deviceId;

    @Option(names = "--hostname", paramLabel = "NAME", description = "How this device is shown (default: the host name).")
    String hostname;

    @Option(names = "--go", description = "As the master, start (as g does) as soon as a device has registered.")
    boolean go;

    @Option(names = {"-r", "--rate"}, paramLabel = "BITS", defaultValue = "500m",
            description = "As the master: maximum rate on the wire (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "1400",
            description = "As the master: image bytes per datagram (default: ${DEFAULT-VALUE}).")
    int payload;

    private String role;
    private Integer clients;
    private BigDecimal time;
    private final PrintStream out = System.out;
    private final boolean terminal = Progress.onTerminal();
    private final AtomicBoolean quit = new AtomicBoolean();
    /** Keys count only while waiting for the start; during the transfer they are ignored. */
    private final AtomicBoolean waiting = new AtomicBoolean(true);
    private RegistryClient registry;
    private volatile String notice = "";
    private String shownVersion = "";

    @Override
    public Integer call() throws Exception {
        parseWords();
        if (server == null || server.isBlank()) {
            throw Img.Problem.usage("say where session-service is: --server URL or IMG_SERVER");
        }
        registry = new RegistryClient(server);
        checkDisk();
        NetworkChoice network;
        try {
            network = NetworkChoice.of(interfaceName, GroupAddress.derive(name), 9100, 1);
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
        String mac = mac(interfaceName);
        JsonObject body = new JsonObject().put("deviceId", deviceId != null ? deviceId : mac)
                .put("hostname", hostname != null ? hostname : ReceiveCommand.hostName())
                .put("address", network.address().getHostAddress());
        if (mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            body.put("mac", mac);
        }
        if (role != null) {
            body.put("role", role);
        }
        if (clients != null) {
            body.put("clients", clients);
        }
        if (time != null) {
            body.put("time", time);
        }
        JsonObject view = registry.register(name, body, token);
        startKeyReader();
        try {
            view = waitForStart(view);
        } finally {
            waiting.set(false);
            restoreTerminal();
        }
        if (view == null) {
            out.println("img: left session " + name + " before imaging started");
            return ExitCode.FAILED;
        }
        return "MASTER".equals(view.getString("role")) ? send(view) : receive(view);
    }

    // ---------------------------------------------------------------- command line

    private void parseWords() {
        try {
            GroupAddress.checkName(name);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
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
                try {
                    clients = Integer.parseInt(w.substring(8));
                } catch (NumberFormatException e) {
                    throw Img.Problem.usage("clients= needs a whole number, not '" + w.substring(8) + "'");
                }
                if (clients < 1) {
                    throw Img.Problem.usage("clients= must be at least 1, not " + clients);
                }
            } else if (lower.startsWith("time=") || lower.startsWith("t=")) {
                if (time != null) {
                    throw Img.Problem.usage("time= comes once");
                }
                if (clients == null) {
                    throw Img.Problem.usage("time= comes after clients=: img session NAME master clients=COUNT "
                            + "time=MINUTES");
                }
                String value = w.substring(w.indexOf('=') + 1);
                try {
                    time = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    throw Img.Problem.usage("time= needs minutes, e.g. 20 or 0.5, not '" + value + "'");
                }
                if (time.signum() <= 0) {
                    throw Img.Problem.usage("time= must be more than 0 minutes, not " + value);
                }
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
    }

    /** Refuses a disk that cannot serve, before registering: nothing joins that cannot take part. */
    private void checkDisk() {
        if ("master".equals(role)) {
            SendCommand.checkImage(disk);
        } else {
            ReceiveCommand.checkTarget(disk);
        }
    }

    // ---------------------------------------------------------------- waiting

    /** Follows the registry until imaging starts for this device (null: the user quit). */
    private JsonObject waitForStart(JsonObject view) {
        boolean pressedGo = false;
        while (true) {
            show(view);
            String state = view.getString("state");
            String runState = view.getString("runState");
            boolean inRun = !"QUEUED".equals(state);
            if (inRun && "STARTED".equals(runState)) {
                return view;
            }
            if (inRun && !"OPEN".equals(runState)) {
                throw new Img.Problem(ExitCode.FAILED, "run " + view.getInteger("runNo") + " of " + name + " ended "
                        + runState + " before this device took part: " + view.getString("endReason", ""));
            }
            if (go && !pressedGo && "MASTER".equals(view.getString("role")) && view.getLong("registered", 0L) > 0) {
                pressedGo = true;
                press('g');
                continue;
            }
            if (quit.get()) {
                return null;
            }
            view = follow(view);
            if (quit.get()) {
                return null;
            }
        }
    }

    /**
     * The next view (a long poll). The registry may restart or be unreachable for a while: the
     * device keeps its place (the registry is a database), so it retries for up to five minutes.
     */
    private JsonObject follow(JsonObject view) {
        long giveUp = System.nanoTime() + 300_000_000_000L;
        long pause = 1000;
        while (true) {
            try {
                JsonObject next = registry.view(view.getString("version"), 5);
                if (notice.startsWith("lost contact")) {
                    notice = "";
                }
                return next;
            } catch (Img.Problem p) {
                if (p.exitCode != ExitCode.SERVER || System.nanoTime() > giveUp || quit.get()) {
                    throw p;
                }
                notice = "lost contact with session-service, retrying: " + p.getMessage();
                shownVersion = "";
                show(view);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw p;
                }
                pause = Math.min(pause * 2, 10_000);
            }
        }
    }

    private synchronized void show(JsonObject v) {
        String version = v.getString("version") + notice;
        if (version.equals(shownVersion)) {
            return;
        }
        shownVersion = version;
        String rules = (v.getValue("clients") == null ? "" : "  clients=" + v.getValue("clients"))
                + (v.getValue("time") == null ? "" : "  time=" + v.getValue("time"));
        if (!terminal) {
            out.printf(Locale.ROOT, "session %s run %d %s: %s %s, %d registered%s; %s%n", name, v.getInteger("runNo"),
                    v.getString("runState"), "this device " + v.getString("role"), v.getString("state"),
                    v.getLong("registered", 0L), rules, v.getString("message", ""));
            if (!notice.isEmpty()) {
                out.println(notice);
            }
            out.flush();
            return;
        }
        StringBuilder b = new StringBuilder("\033[H\033[2J");
        b.append(String.format(Locale.ROOT, "imgcast session %s   run %d   %s%n", name, v.getInteger("runNo"),
                v.getString("runState")));
        b.append(String.format(Locale.ROOT, "group %s:%d via %s   server %s%n", v.getString("group"),
                v.getInteger("port"), interfaceName, registry.server()));
        b.append(String.format(Locale.ROOT, "this device: %s   role %s   %s%n", hostname != null ? hostname : ReceiveCommand.hostName(),
                v.getString("role"), v.getString("state")));
        b.append(String.format(Locale.ROOT, "source: %s%s%n", v.getString("sourceKind"), rules));
        b.append(String.format(Locale.ROOT, "registered: %d%n", v.getLong("registered", 0L)));
        JsonArray peers = v.getJsonArray("peers", new JsonArray());
        for (int i = 0; i < Math.min(peers.size(), 12); i++) {
            JsonObject p = peers.getJsonObject(i);
            b.append(String.format(Locale.ROOT, "  %-20s %-7s %s%n", p.getString("hostname", p.getString("deviceId")),
                    p.getString("role"), p.getString("state")));
        }
        if (peers.size() > 12) {
            b.append("  ... and ").append(peers.size() - 12).append(" more\n");
        }
        b.append('\n').append(v.getString("message", "")).append('\n');
        if (!notice.isEmpty()) {
            b.append(notice).append('\n');
        }
        b.append("\nkeys: m = make this device the master   g = start imaging (master)   q = quit\n");
        out.print(b);
        out.flush();
    }

    private Thread startKeyReader() {
        if (terminal) {
            stty("-icanon", "-echo", "min", "1");
            // Ctrl-C skips finally blocks: give the terminal back on any exit
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stty("icanon", "echo")));
        }
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            try {
                int c;
                while ((c = in.read()) >= 0) {
                    if (!waiting.get()) {
                        continue;
                    }
                    char key = Character.toLowerCase((char) c);
                    if (key == 'q') {
                        quit.set(true);
                        notice = "quitting...";
                        return;
                    }
                    if (key == 'm' || key == 'g') {
                        press(key);
                    }
                }
            } catch (IOException e) {
                // no keys then
            }
        }, "img-keys");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void press(char key) {
        try {
            if (key == 'm') {
                registry.becomeMaster(null, null);
            } else {
                registry.start();
            }
            notice = key == 'm' ? "m: this device is now the master" : "g: imaging starts";
            JsonObject v = registry.view(null, 0);
            if (waiting.get()) {
                show(v);
            }
        } catch (Img.Problem p) {
            if (!waiting.get()) {
                return;
            }
            notice = key + ": " + p.getMessage();
            shownVersion = "";
            out.println(terminal ? "\n" + notice : notice);
            out.flush();
        }
    }

    private static void stty(String... args) {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // not a terminal after all: keys need Enter
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void restoreTerminal() {
        if (terminal) {
            stty("icanon", "echo");
        }
    }

    // ---------------------------------------------------------------- the transfer

    private int receive(JsonObject view) throws Exception {
        ReceiveCommand rc = new ReceiveCommand();
        new CommandLine(rc).parseArgs(disk.toString(), "-i", interfaceName, "-s", name, "-g", view.getString("group"),
                "-p", view.getInteger("port").toString(), "-t", "60", "--sender-timeout", "10", "--name",
                hostname != null ? hostname : ReceiveCommand.hostName());
        rc.network.sessionKey = Base64.getDecoder().decode(view.getString("key"));
        long[] lastReport = {0};
        rc.onTick = engine -> {
            long now = System.nanoTime();
            if (engine.state() == ReceiverEngine.State.RECEIVING && now - lastReport[0] > 2_000_000_000L) {
                lastReport[0] = now;
                registry.reportLater(new JsonObject().put("state", "TRANSFERRING")
                        .put("bytesDone", engine.bytesReceived()).put("bytesTotal", engine.bytesToReceive()));
            }
        };
        int code;
        try {
            code = rc.call();
        } catch (Img.Problem p) {
            reportQuietly(new JsonObject().put("state", "FAILED").put("reason", p.getMessage()));
            throw p;
        }
        ReceiverEngine engine = rc.engine;
        JsonObject result;
        if (engine != null && engine.verified()) {
            result = new JsonObject().put("state", "VERIFIED").put("sha256", engine.writtenSha256())
                    .put("bytesDone", engine.bytesToReceive()).put("bytesTotal", engine.bytesToReceive());
        } else {
            String reason = engine == null ? "the receiver did not start" : engine.message();
            result = new JsonObject().put("state", engine != null && engine.failure() == ReceiverEngine.Failure.DROPPED
                    ? "DROPPED" : "FAILED").put("reason", reason == null || reason.isBlank() ? "failed" : reason);
        }
        if (reportQuietly(result)) {
            out.println("reported " + result.getString("state") + " to session-service");
        }
        return code;
    }

    private int send(JsonObject view) throws Exception {
        SendCommand sc = new SendCommand();
        long receivers = view.getLong("registered", 0L);
        new CommandLine(sc).parseArgs(disk.toString(), "-i", interfaceName, "-s", name, "-g", view.getString("group"),
                "-p", view.getInteger("port").toString(), "-n", Long.toString(receivers), "-w", "10", "-t", "60",
                "-r", rate, "--payload", Integer.toString(payload));
        sc.network.sessionKey = Base64.getDecoder().decode(view.getString("key"));
        int code;
        try {
            code = sc.call();
        } catch (Img.Problem p) {
            reportQuietly(new JsonObject().put("state", "FAILED").put("reason", p.getMessage()));
            throw p;
        }
        boolean ran = sc.engine != null && sc.engine.startReason() != null;
        JsonObject result = ran
                ? new JsonObject().put("state", "VERIFIED").put("sha256", sc.manifest.sha256Hex())
                : new JsonObject().put("state", "FAILED").put("reason", sc.engine == null ? "the sender did not start"
                        : sc.engine.endReason());
        if (reportQuietly(result)) {
            // the registry's last word on the run: every device's result, or the wait for late ones
            JsonObject last = registry.view(null, 0);
            for (int i = 0; i < 15 && "STARTED".equals(last.getString("runState")); i++) {
                last = registry.view(last.getString("version"), 2);
            }
            out.println("session " + name + " run " + last.getInteger("runNo") + ": " + last.getString("runState")
                    + (last.getString("endReason") == null ? "" : " (" + last.getString("endReason") + ")"));
        }
        return code;
    }

    private boolean reportQuietly(JsonObject result) {
        try {
            registry.report(result);
            return true;
        } catch (Img.Problem p) {
            System.err.println("img: could not report the result to session-service: " + p.getMessage());
            return false;
        }
    }

    // ---------------------------------------------------------------- the device

    private static String mac(String interfaceName) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(interfaceName);
            byte[] hw = nif == null ? null : nif.getHardwareAddress();
            if (hw == null || hw.length != 6) {
                return interfaceName;
            }
            return HexFormat.ofDelimiter(":").formatHex(hw);
        } catch (SocketException e) {
            return interfaceName;
        }
    }
}
