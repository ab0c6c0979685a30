package dev.imgcast.agent;

import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.TransferDefaults;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.Registration;
import dev.imgcast.registry.client.RegistryClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * img session NAME [master|m|client|c] [clients=COUNT [time=MINUTES|t=MINUTES]]: the device
 * side of a session. Registers with session-service, shows who is there, takes the keys m and g,
 * then receives the image onto the disk (a client) or sends its own disk (the master).
 * The words are {@link SessionWords}, the wait {@link StartWait} on a {@link DeviceScreen}, the
 * transfer {@link DeviceRun}; session-service is reached through the registry client.
 */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = {"Take part in a multicast imaging session run by session-service.",
            "",
            "  img session NAME                    wait; press m to make THIS device's disk",
            "                                      the source (the image the others receive)",
            "  img session NAME master|m           this device's disk is the image; press g",
            "                                      to start",
            "  img session NAME client|c           receive the image onto --disk",
            "  img session NAME master clients=N   start when N devices have registered",
            "  img session NAME master clients=N time=T",
            "                                      ... or when T minutes (decimals allowed)",
            "                                      pass without a new registration",
            "",
            "Keys while waiting (the screen shows those that apply): m = make THIS device's",
            "disk the source (the master), g = start imaging (master), q = quit. Without a",
            "terminal the same letters are read from standard input; --go starts as soon as",
            "a device has registered. A device that comes after the start waits for the next",
            "run. Nothing is written to --disk before the sender accepted this device and",
            "the disk was checked."},
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

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "As a client: keep what --disk already holds of the image, so a device that failed or"
                    + " lost power receives only what it lacks (default: on; --no-resume writes every block).")
    boolean resume;

    @Option(names = "--go", description = "As the master, start (as g does) as soon as a device has registered.")
    boolean go;

    @Option(names = {"-r", "--rate"}, paramLabel = "BITS", defaultValue = "500m",
            description = "As the master: maximum rate on the wire (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "" + TransferDefaults.PAYLOAD,
            description = "As the master: image bytes per datagram (default: ${DEFAULT-VALUE}).")
    int payload;

    @Override
    public Integer call() throws Exception {
        SessionWords rules = SessionWords.parse(name, words, go);
        if (server == null || server.isBlank()) {
            throw Img.Problem.usage("say where session-service is: --server URL or IMG_SERVER");
        }
        RegistryClient registry;
        try {
            registry = new RegistryClient(server);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage("--server " + e.getMessage());
        }
        long bitsPerSecond;
        try {
            bitsPerSecond = Sizes.parseBitRate(rate);
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
        // refuse a disk that cannot serve before registering: nothing joins that cannot take part
        if (rules.master()) {
            Disks.checkImage(disk);
        } else {
            Disks.checkTarget(disk);
        }
        String host = hostname != null ? hostname : Disks.hostName();
        DeviceView view = registry.register(name, registration(rules, host), token);
        DeviceScreen screen = new DeviceScreen(Progress.onTerminal(), name, interfaceName, host, registry.server());
        try {
            view = new StartWait(registry, screen, go).await(view);
        } catch (RuntimeException e) {
            screen.end();  // no redraw over the message that says why
            throw e;
        }
        if (view == null) {
            screen.end();
            System.out.println("img: left session " + name + " before imaging started");
            return ExitCode.FAILED;
        }
        screen.transfer(view, view.master() ? "sends its disk " + disk + " to the devices of the run"
                : "receives the image onto " + disk);
        DeviceRun run = new DeviceRun(registry, name, disk, interfaceName, host).resume(resume);
        return view.master() ? run.send(view, bitsPerSecond, payload) : run.receive(view);
    }

    /** Who this device is: its address on the imaging network (the interface checked), its MAC, its rules. */
    private Registration registration(SessionWords rules, String host) {
        NetworkChoice network;
        try {
            network = NetworkSettings.sessionInterface(interfaceName, name);
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
        String mac = Disks.mac(interfaceName);
        return new Registration(deviceId != null ? deviceId : mac, host, network.address().getHostAddress(),
                mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}") ? mac : null, rules.role(), rules.clients(), rules.time());
    }
}
