package dev.imgcast.agent;

import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import dev.imgcast.protocol.transfer.SendResult;
import dev.imgcast.protocol.transfer.SendSettings;
import dev.imgcast.protocol.transfer.TransferDefaults;
import dev.imgcast.protocol.transfer.TransferProgress;
import dev.imgcast.protocol.transfer.TransferStatus;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.RegistryClient;
import dev.imgcast.registry.client.RegistryException;
import dev.imgcast.registry.client.Report;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The transfer of a device in img session, once its run started: a client receives onto its
 * disk, the master sends its disk, with the group, port and key session-service gave. Progress
 * and the result go to session-service; a result that cannot be delivered is said, not fatal.
 *
 * <p>A client takes the image only from the sender session-service names for the run: the master
 * device's registered address, or the multicast-sender's, which the registry learns from its
 * transfer.started event a moment after a run the server sends has started. Until the registry
 * names it, the device waits (and says so), at most as long as it would listen for a sender; a run
 * whose sender is still unnamed then fails for this device (exit code 4, reported FAILED): every
 * device of the run holds the run's key, so "whoever announces with the key" is not good enough.
 */
final class DeviceRun {
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;
    /** How long a started run's sender may stay unnamed: as long as a device listens for a sender. */
    static final Duration SENDER_WAIT = TransferDefaults.SESSION_LISTEN_TIMEOUT;

    private final RegistryClient registry;
    private final String name;
    private final Path disk;
    private final String interfaceName;
    private final String hostname;
    private final Duration senderWait;
    private boolean resume;

    DeviceRun(RegistryClient registry, String name, Path disk, String interfaceName, String hostname) {
        this(registry, name, disk, interfaceName, hostname, SENDER_WAIT);
    }

    DeviceRun(RegistryClient registry, String name, Path disk, String interfaceName, String hostname,
            Duration senderWait) {
        this.registry = registry;
        this.name = name;
        this.disk = disk;
        this.interfaceName = interfaceName;
        this.hostname = hostname;
        this.senderWait = senderWait;
    }

    /** Keeps what the disk already holds of the image (see {@link ReceiveSettings#resume()}). */
    DeviceRun resume(boolean keep) {
        this.resume = keep;
        return this;
    }

    /**
     * Receives the image onto the disk; the exit code. While it receives, a {@link RunWatch} follows
     * the run: a run that ends in the registry (cancelled, failed) stops the transfer at once, and the
     * device says the registry's reason and exits with {@link ExitCode#RUN_ENDED}, reporting nothing
     * (the registry closed the run).
     */
    int receive(DeviceView view) {
        long[] lastReport = {0};
        ImageReceive.Received received;
        DeviceView ended;
        try {
            NetworkSettings network = network(view);
            NetworkOptions.checkInterface(network);
            Disks.checkTarget(disk);
            ReceiveSettings settings = receiveSettings(view);
            try (RunWatch watch = new RunWatch(registry)) {
                received = ImageReceive.run(disk, name, network, settings, p -> {
                    long now = System.nanoTime();
                    if (p.phase() == TransferProgress.Phase.TRANSFERRING && now - lastReport[0] > REPORT_EVERY_NANOS) {
                        lastReport[0] = now;
                        registry.reportLater(Report.transferring(p.bytesDone(), p.bytesTotal()));
                    }
                }, watch::attach);
                ended = watch.ended();
            }
        } catch (Img.Problem p) {
            reportQuietly(Report.failed(TransferStatus.FAILED, p.getMessage()));
            throw p;
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.RUN_ENDED) {
                reportQuietly(Report.failed(TransferStatus.FAILED, e.getMessage()));
            }
            throw e;
        }
        if (ended == null && received.exitCode() != ExitCode.VERIFIED) {
            ended = cancelledMeanwhile();  // the sender's abort may come before the watch hears of it
        }
        if (ended != null && received.exitCode() != ExitCode.VERIFIED) {
            throw Img.Problem.of(RegistryClient.runEnded(ended));
        }
        Report result = Report.of(received.result());
        if (reportQuietly(result)) {
            System.out.println("reported " + result.state() + " to session-service");
        }
        return received.exitCode();
    }

    /** The registry's view when it says the run was cancelled, else null (also when it cannot be asked). */
    private DeviceView cancelledMeanwhile() {
        try {
            DeviceView v = registry.view();
            return v.runEndedWithoutThisDevice() && "CANCELLED".equals(v.runState()) ? v : null;
        } catch (RegistryException e) {
            return null;
        }
    }

    /** Sends the disk to the devices of the run, then says how the run ended; the exit code. */
    int send(DeviceView view, long bitsPerSecond, int payload) {
        ImageSend.Sent sent;
        try {
            SendSettings settings;
            try {
                settings = SendSettings.forSession((int) view.registered(), bitsPerSecond, payload);
            } catch (IllegalArgumentException e) {
                throw Img.Problem.usage(e.getMessage());
            }
            NetworkSettings network = network(view);
            Disks.checkImage(disk);
            NetworkOptions.checkInterface(network);
            sent = ImageSend.run(disk, name, network, settings);
        } catch (Img.Problem p) {
            reportQuietly(Report.failed(TransferStatus.FAILED, p.getMessage()));
            throw p;
        }
        SendResult result = sent.result();
        Report report = result != null ? Report.of(result)
                : Report.failed(TransferStatus.FAILED, "the sender did not start");
        if (reportQuietly(report)) {
            // the registry's last word on the run: every device's result, or the wait for late ones
            DeviceView last = registry.view();
            for (int i = 0; i < 15 && "STARTED".equals(last.runState()); i++) {
                last = registry.poll(last.version(), 2);
            }
            System.out.println("session " + name + " run " + last.runNo() + ": " + last.runState()
                    + (last.endReason() == null ? "" : " (" + last.endReason() + ")"));
        }
        return sent.exitCode();
    }

    /** How this device receives: as a device of a session, from the sender session-service names only. */
    ReceiveSettings receiveSettings(DeviceView view) {
        return ReceiveSettings.forSession(hostname).withSender(sender(view)).withResume(resume);
    }

    /**
     * The sender session-service names for the run, waited for while it names none; an
     * {@link Img.Problem} (exit code 4) when it still names none after {@link #senderWait}.
     */
    private InetAddress sender(DeviceView view) {
        DeviceView named = view;
        if (view.senderAddress() == null) {
            System.out.println("waiting for session-service to name the sender of run " + view.runNo()
                    + " (the image is taken from that host only)");
            named = registry.awaitSender(view, senderWait);
        }
        InetAddress sender;
        try {
            sender = named.sender();
        } catch (IllegalArgumentException e) {
            throw new Img.Problem(ExitCode.NETWORK, e.getMessage());
        }
        if (sender == null) {
            throw new Img.Problem(ExitCode.NETWORK, "session-service named no sender for run " + view.runNo()
                    + " of " + name + " within " + seconds(senderWait) + " s; the image is taken only from the"
                    + " sender it names (is the multicast-sender running and reporting to it?)");
        }
        System.out.println("sender of run " + view.runNo() + ": " + sender.getHostAddress()
                + " (named by session-service); announcements from any other host are ignored");
        return sender;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    private NetworkSettings network(DeviceView view) {
        try {
            return NetworkSettings.fromSession(interfaceName, view.group(), view.port(), view.key());
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage(e.getMessage());
        }
    }

    private boolean reportQuietly(Report report) {
        try {
            registry.report(report);
            return true;
        } catch (RegistryException e) {
            System.err.println("img: could not report the result to session-service: " + e.getMessage());
            return false;
        }
    }
}
