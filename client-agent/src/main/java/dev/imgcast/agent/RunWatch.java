package dev.imgcast.agent;

import dev.imgcast.protocol.transfer.ReceiveTransfer;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.RegistryClient;
import dev.imgcast.registry.client.RegistryException;

/**
 * Follows the device's run in session-service with long polls while the device transfers, on a
 * thread of its own: when the registry says the run ended (the admin cancelled it, or it failed),
 * the transfer is stopped at once instead of listening on for a sender that will not come. A
 * registry that does not answer never stops a transfer; the watch just asks again.
 */
final class RunWatch implements AutoCloseable {
    private static final int POLL_SECONDS = 5;

    private final RegistryClient registry;
    private final Thread thread;
    private volatile boolean closed;
    private volatile DeviceView ended;
    private ReceiveTransfer transfer;

    RunWatch(RegistryClient registry) {
        this.registry = registry;
        this.thread = new Thread(this::follow, "img-run-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The transfer to stop when the run ends (stopped at once if it already did). */
    synchronized void attach(ReceiveTransfer t) {
        transfer = t;
        stopIfEnded();
    }

    /** The registry's view of the run once it ended while watched, else null. */
    DeviceView ended() {
        return ended;
    }

    private void follow() {
        DeviceView view = null;
        while (!closed) {
            try {
                view = view == null ? registry.view() : registry.poll(view.version(), POLL_SECONDS);
                if (view.runEndedWithoutThisDevice()) {
                    ended = view;
                    stopIfEnded();
                    return;
                }
            } catch (RegistryException e) {
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(1000);  // away for a moment: the transfer goes on, ask again
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private synchronized void stopIfEnded() {
        DeviceView v = ended;
        if (v != null && transfer != null) {
            transfer.stop(RegistryClient.runEnded(v).getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
