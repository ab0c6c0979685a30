package dev.imgcast.agent;

import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.RegistryClient;
import dev.imgcast.registry.client.RegistryException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The wait for the start in img session: follows the registry with long polls, shows each
 * change, and takes the keys m (become the master), g (start) and q (quit) from the terminal,
 * or the same letters from standard input without one. Keys count only while waiting.
 */
final class StartWait {
    private static final long GIVE_UP_NANOS = 300_000_000_000L;

    private final RegistryClient registry;
    private final DeviceScreen screen;
    private final boolean go;
    private final InputStream keys;
    private final AtomicBoolean quit = new AtomicBoolean();
    private final AtomicBoolean waiting = new AtomicBoolean(true);

    StartWait(RegistryClient registry, DeviceScreen screen, boolean go) {
        this(registry, screen, go, System.in);
    }

    /** {@code keys}: where the keys come from (the terminal or standard input). */
    StartWait(RegistryClient registry, DeviceScreen screen, boolean go, InputStream keys) {
        this.registry = registry;
        this.screen = screen;
        this.go = go;
        this.keys = keys;
    }

    /** The view once imaging starts for this device, or null when the user quit. */
    DeviceView await(DeviceView first) {
        startKeyReader();
        try {
            return follow(first);
        } finally {
            waiting.set(false);
            if (screen.terminal()) {
                stty("icanon", "echo");
            }
        }
    }

    private DeviceView follow(DeviceView first) {
        DeviceView view = first;
        boolean pressedGo = false;
        while (true) {
            screen.show(view);
            if (view.started()) {
                return view;
            }
            if (view.runEndedWithoutThisDevice()) {
                throw Img.Problem.of(RegistryClient.runEnded(view));
            }
            if (go && !pressedGo && view.master() && view.registered() > 0) {
                pressedGo = true;
                press('g');
                continue;
            }
            if (quit.get()) {
                return null;
            }
            view = next(view);
            if (quit.get()) {
                return null;
            }
        }
    }

    /**
     * The next view (a long poll). The registry may restart or be unreachable for a while: the
     * device keeps its place (the registry is a database), so it retries for up to five minutes.
     */
    private DeviceView next(DeviceView view) {
        long giveUp = System.nanoTime() + GIVE_UP_NANOS;
        long pause = 1000;
        while (true) {
            try {
                DeviceView next = registry.poll(view.version(), 5);
                if (screen.notice().startsWith("lost contact")) {
                    screen.notice("");
                }
                return next;
            } catch (RegistryException e) {
                boolean passing = switch (e.kind()) {
                    case UNREACHABLE, NOT_A_REGISTRY, SERVER_ERROR -> true;
                    default -> false;
                };
                if (!passing || System.nanoTime() > giveUp || quit.get()) {
                    throw e;
                }
                screen.notice("lost contact with session-service, retrying: " + e.getMessage());
                screen.show(view);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(pause * 2, 10_000);
            }
        }
    }

    private void startKeyReader() {
        if (screen.terminal()) {
            stty("-icanon", "-echo", "min", "1");
            // Ctrl-C skips finally blocks: give the terminal back on any exit
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stty("icanon", "echo")));
        }
        Thread t = new Thread(() -> {
            InputStream in = keys;
            try {
                int c;
                while ((c = in.read()) >= 0) {
                    if (!waiting.get()) {
                        continue;
                    }
                    char key = Character.toLowerCase((char) c);
                    if (key == 'q') {
                        quit.set(true);
                        screen.notice("quitting...");
                        return;
                    }
                    if (key == 'm' && !screen.offersMaster()) {
                        screen.sayNotice("m: " + screen.noMaster());
                    } else if (key == 'm' || key == 'g') {
                        press(key);
                    }
                }
            } catch (IOException e) {
                // no keys then
            }
        }, "img-keys");
        t.setDaemon(true);
        t.start();
    }

    private void press(char key) {
        try {
            if (key == 'm') {
                registry.becomeMaster(null, null);
            } else {
                registry.start();
            }
            screen.notice(key == 'm' ? "m: this device is now the master" : "g: imaging starts");
            DeviceView v = registry.view();
            if (waiting.get()) {
                screen.show(v);
            }
        } catch (RegistryException e) {
            if (waiting.get()) {
                screen.sayNotice(key + ": " + e.getMessage());
            }
        }
    }

    private static void stty(String... args) {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
                    .redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // not a terminal after all: keys need Enter
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
