package dev.imgcast.agent;

import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import dev.imgcast.protocol.transfer.SendResult;
import dev.imgcast.protocol.transfer.SendSettings;
import dev.imgcast.protocol.transfer.TransferProgress;
import dev.imgcast.protocol.transfer.TransferStatus;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.RegistryClient;
import dev.imgcast.registry.client.RegistryException;
import dev.imgcast.registry.client.Report;
import java.nio.file.Path;

/**
 * The transfer of a device in img session, once its run started: a client receives onto its
 * disk, the master sends its disk, with the group, port and key session-service gave. Progress
 * and the result go to session-service; a result that cannot be delivered is said, not fatal.
 */
final class DeviceRun {
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

    private final RegistryClient registry;
    private final String name;
    private final Path disk;
    private final String interfaceName;
    private final String hostname;

    DeviceRun(RegistryClient registry, String name, Path disk, String interfaceName, String hostname) {
        this.registry = registry;
        this.name = name;
        this.disk = disk;
        this.interfaceName = interfaceName;
        this.hostname = hostname;
    }

    /** Receives the image onto the disk; the exit code. */
    int receive(DeviceView view) {
        long[] lastReport = {0};
        ImageReceive.Received received;
        try {
            NetworkSettings network = network(view);
            NetworkOptions.checkInterface(network);
            Disks.checkTarget(disk);
            received = ImageReceive.run(disk, name, network, ReceiveSettings.forSession(hostname), p -> {
                long now = System.nanoTime();
                if (p.phase() == TransferProgress.Phase.TRANSFERRING && now - lastReport[0] > REPORT_EVERY_NANOS) {
                    lastReport[0] = now;
                    registry.reportLater(Report.transferring(p.bytesDone(), p.bytesTotal()));
                }
            });
        } catch (Img.Problem p) {
            reportQuietly(Report.failed(TransferStatus.FAILED, p.getMessage()));
            throw p;
        }
        Report result = Report.of(received.result());
        if (reportQuietly(result)) {
            System.out.println("reported " + result.state() + " to session-service");
        }
        return received.exitCode();
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
