package dev.imgcast.session.domain;

import java.math.BigDecimal;

/**
 * A device registering for a session, as {@code img session NAME [master|client] [clients=N [time=T]]}
 * does: {@code role} is master, m, client, c or null; {@code clients}/{@code time} are the
 * master's start rules (time in minutes, decimals allowed).
 */
public record Registration(String deviceId, String hostname, String mac, String address, String role, Integer clients,
                           BigDecimal time) {
}
