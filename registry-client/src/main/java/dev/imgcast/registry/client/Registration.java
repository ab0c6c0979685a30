package dev.imgcast.registry.client;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * What a device tells session-service when it registers.
 *
 * @param deviceId stable id of the device (e.g. its MAC address)
 * @param hostname how the device is shown
 * @param address  its IPv4 address on the imaging network
 * @param mac      its MAC address, or null
 * @param role     "master", "client" or null (waits; key m makes it the master)
 * @param clients  the master's rule: start when this many devices registered, or null
 * @param time     the master's rule: start when this many minutes pass without a registration, or null
 */
public record Registration(String deviceId, String hostname, String address, String mac, String role,
        Integer clients, BigDecimal time) {

    /** A device that receives (e.g. the image store capturing a session). */
    public static Registration client(String deviceId, String hostname, String address) {
        return new Registration(deviceId, hostname, address, null, "client", null, null);
    }

    JsonObject toJson() {
        JsonObject body = new JsonObject().put("deviceId", deviceId).put("hostname", hostname).put("address", address);
        if (mac != null) {
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
        return body;
    }
}
