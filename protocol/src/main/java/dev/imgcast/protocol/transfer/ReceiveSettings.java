package dev.imgcast.protocol.transfer;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How a receiver runs a transfer, checked.
 *
 * @param host          how this receiver appears in the sender's report (a device's host name; the JOIN
 *                      packet carries its first 64 bytes)
 * @param listenTimeout give up when no sender is heard within this (null: wait forever)
 * @param senderTimeout give up when the sender falls silent this long during the transfer
 * @param sender        take as sender only a host with this address (a session's sender, as the registry
 *                      gives it); null: the host whose authentic announcement names itself
 * @param resume        keep what the target already holds: blocks whose CRC32C matches the manifest are
 *                      neither asked for nor written again (a device resuming after a failure)
 */
public record ReceiveSettings(String host, Duration listenTimeout, Duration senderTimeout, InetAddress sender,
        boolean resume) {

    public ReceiveSettings(String host, Duration listenTimeout, Duration senderTimeout) {
        this(host, listenTimeout, senderTimeout, null, false);
    }

    public ReceiveSettings {
        if (host == null) {
            host = "";
        }
        if (listenTimeout != null && (listenTimeout.isNegative() || listenTimeout.isZero())
                || senderTimeout == null || senderTimeout.isNegative() || senderTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** A device of a session: the run has started, so the sender is due within the session's listen timeout. */
    public static ReceiveSettings forSession(String host) {
        return new ReceiveSettings(host, TransferDefaults.SESSION_LISTEN_TIMEOUT, TransferDefaults.SENDER_TIMEOUT);
    }

    /** The same, accepting a sender at {@code address} only. */
    public ReceiveSettings withSender(InetAddress address) {
        return new ReceiveSettings(host, listenTimeout, senderTimeout, address, resume);
    }

    /** The same, resuming (or not) over what the target holds. */
    public ReceiveSettings withResume(boolean keep) {
        return new ReceiveSettings(host, listenTimeout, senderTimeout, sender, keep);
    }
}
