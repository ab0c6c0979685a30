package dev.imgcast.registry.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What session-service tells a registered device: its state in the run, the run's state and
 * rules, and once the device is in a run the group, port and key. {@code version} changes with
 * every change of the run (the long poll's {@code since}). {@code senderAddress} is the address of
 * the run's sender, once session-service knows it: the master device's (from its registration) or
 * the multicast-sender's (from its transfer.started event); a device takes the image from that host only.
 */
public record DeviceView(long participantId, String participantToken, String deviceId, String role, String state,
        String message, String version, String name, long runId, int runNo, String runState, String group, int port,
        String key, String senderAddress, String sourceKind, String imageId, Integer clients, BigDecimal time,
        String waitingFor, String startReason, String endReason, long registered, List<Peer> peers) {

    /** Another device of the run. */
    public record Peer(String deviceId, String hostname, String role, String state) {
        /** The host name, or the device id when there is none. */
        public String shownName() {
            return hostname != null ? hostname : deviceId;
        }
    }

    public DeviceView {
        peers = List.copyOf(peers);
    }

    /** The device is in the current run (not queued for the next one). */
    public boolean inRun() {
        return !"QUEUED".equals(state);
    }

    /** The device's run has started: time to transfer. */
    public boolean started() {
        return inRun() && "STARTED".equals(runState);
    }

    /** The device's run ended before the device took part (cancelled, failed). */
    public boolean runEndedWithoutThisDevice() {
        return inRun() && !"OPEN".equals(runState) && !"STARTED".equals(runState);
    }

    public boolean master() {
        return "MASTER".equals(role);
    }

    /**
     * The run's sender as session-service names it, or null while it names none.
     *
     * @throws IllegalArgumentException when the registry's value is not a dotted IPv4 address (never
     *                                  looked up as a host name)
     */
    public InetAddress sender() {
        if (senderAddress == null) {
            return null;
        }
        if (senderAddress.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            try {
                InetAddress address = InetAddress.getByName(senderAddress); // a literal: no lookup
                if (address instanceof Inet4Address && !address.isMulticastAddress() && !address.isAnyLocalAddress()) {
                    return address;
                }
            } catch (UnknownHostException e) {
                // said below
            }
        }
        throw new IllegalArgumentException("session-service names the sender '" + senderAddress
                + "', which is not a unicast IPv4 address");
    }

    static DeviceView of(JsonObject json) {
        List<Peer> peers = new ArrayList<>();
        JsonArray array = json.getJsonArray("peers", new JsonArray());
        for (int i = 0; i < array.size(); i++) {
            JsonObject p = array.getJsonObject(i);
            peers.add(new Peer(p.getString("deviceId"), p.getString("hostname"), p.getString("role"),
                    p.getString("state")));
        }
        Object time = json.getValue("time");
        return new DeviceView(json.getLong("participantId", 0L), json.getString("participantToken"),
                json.getString("deviceId"), json.getString("role"), json.getString("state"), json.getString("message", ""),
                json.getString("version"), json.getString("name"), json.getLong("runId", 0L),
                json.getInteger("runNo", 0), json.getString("runState"), json.getString("group"),
                json.getInteger("port", 0), json.getString("key"), json.getString("senderAddress"),
                json.getString("sourceKind"), json.getString("imageId"), json.getInteger("clients"),
                time == null ? null : new BigDecimal(time.toString()), json.getString("waitingFor"),
                json.getString("startReason"), json.getString("endReason"), json.getLong("registered", 0L), peers);
    }
}
