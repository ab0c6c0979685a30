package dev.imgcast.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.net.GroupAddress;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The settings records refuse what cannot work, and say what is wrong. */
class TransferSettingsTest {
    private static final byte[] KEY = new byte[32];

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "'" + part + "' not in: " + text);
    }

    @Test
    void networkSettingsCheckGroupPortTtlAndKey() throws Exception {
        InetAddress group = InetAddress.getByName("239.1.2.3");
        NetworkSettings ok = new NetworkSettings("eth0", group, 9100, 1, KEY);
        assertEquals(9100, ok.port());
        assertContains(refusal(() -> new NetworkSettings(" ", group, 9100, 1, KEY)), "interface");
        InetAddress unicast = InetAddress.getByName("10.1.2.3");
        assertContains(refusal(() -> new NetworkSettings("eth0", unicast, 9100, 1, KEY)),
                "not an IPv4 multicast address");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 70000, 1, KEY)), "port must be 1..65535, not 70000");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 0, 1, KEY)), "port must be 1..65535");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 9100, 0, KEY)), "TTL must be 1..255, not 0");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 9100, 256, KEY)), "TTL must be 1..255");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 9100, 1, new byte[0])), "a transfer key is 32 bytes, not 0");
        assertContains(refusal(() -> new NetworkSettings("eth0", group, 9100, 1, new byte[16])), "not 16");
    }

    @Test
    void theKeyIsCopiedInAndOut() throws Exception {
        byte[] key = new byte[32];
        key[0] = 1;
        NetworkSettings s = new NetworkSettings("eth0", InetAddress.getByName("239.1.2.3"), 9100, 1, key);
        byte[] expected = key.clone();
        key[0] = 9;
        s.key()[1] = 9;
        assertArrayEquals(expected, s.key());
    }

    @Test
    void groupsAreDottedMulticastAddresses() {
        assertEquals("239.1.2.3", NetworkSettings.parseGroup("239.1.2.3").getHostAddress());
        assertContains(refusal(() -> NetworkSettings.parseGroup("localhost")), "give the group as a dotted IPv4 address");
        assertContains(refusal(() -> NetworkSettings.parseGroup("10.1.2.3")), "10.1.2.3 is not a multicast address");
        assertContains(refusal(() -> NetworkSettings.parseGroup("999.1.2.3")), "not an address: 999.1.2.3");
    }

    @Test
    void aSessionsSettingsUseItsDerivedGroupAndTheDefaultPort() {
        NetworkSettings s = NetworkSettings.forSession("eth0", "mcast01", KEY);
        assertEquals(GroupAddress.derive("mcast01"), s.group());
        assertEquals(TransferDefaults.SESSION_PORT, s.port());
        assertEquals(TransferDefaults.TTL, s.ttl());
        NetworkSettings fromServer = NetworkSettings.fromSession("eth0", "239.9.8.7", 9200,
                Base64.getEncoder().encodeToString(KEY));
        assertEquals(9200, fromServer.port());
        assertArrayEquals(KEY, fromServer.key());
        assertContains(refusal(() -> NetworkSettings.fromSession("eth0", "239.9.8.7", 9200, "not base64!")), "base64");
    }

    @Test
    void theInterfaceIsCheckedWhenResolved() {
        assertContains(refusal(() -> NetworkSettings.sessionInterface("nosuch0", "mcast01")),
                "no network interface 'nosuch0' (there are: ");
        assertContains(refusal(() -> NetworkSettings.forSession("nosuch0", "mcast01", KEY).resolve()),
                "no network interface 'nosuch0'");
    }

    @Test
    void sendSettingsNeedARuleForTheStartAndSaneValues() {
        SendSettings ok = SendSettings.of(3, null, null);
        assertEquals(3, ok.config().expectedReceivers());
        assertEquals(TransferDefaults.PAYLOAD, ok.payloadSize());
        assertContains(refusal(() -> SendSettings.of(0, null, null)), "say when to start");
        assertContains(refusal(() -> SendSettings.of(-1, null, null)), "must not be negative");
        assertContains(refusal(() -> SendSettings.of(0, Duration.ZERO, null)), "between 0 and 86400 seconds");
        assertContains(refusal(() -> SendSettings.of(0, Duration.ofSeconds(86_401), null)), "between 0 and 86400");
        assertEquals(Duration.ofDays(1), SendSettings.of(0, Duration.ofDays(1), null).idleStart());
        assertContains(refusal(() -> SendSettings.of(1, null, Duration.ofSeconds(-1))), "timeouts must be positive");
        assertContains(refusal(() -> new SendSettings(1400, 0, 1 << 20, 1, null, null, Duration.ofSeconds(5), 8)),
                "rate must be positive");
        assertContains(refusal(() -> new SendSettings(1400, 1000, 1 << 20, 1, null, null, Duration.ZERO, 8)),
                "timeouts must be positive");
        assertContains(refusal(() -> new SendSettings(1400, 1000, 1 << 20, 1, null, null, Duration.ofSeconds(5), 0)),
                "stalled rounds");
        // payload and block size: the image layout's own checks
        assertThrows(IllegalArgumentException.class,
                () -> new SendSettings(100, 1000, 1 << 20, 1, null, null, Duration.ofSeconds(5), 8));
        assertThrows(IllegalArgumentException.class,
                () -> new SendSettings(1400, 1000, 1000, 1, null, null, Duration.ofSeconds(5), 8));
    }

    @Test
    void parityAheadIsOffAutoOrAPercentage() {
        assertEquals(0, SendSettings.parseFec("off"));
        assertEquals(dev.imgcast.protocol.engine.SenderConfig.FEC_AUTO, SendSettings.parseFec("AUTO"));
        assertEquals(10, SendSettings.parseFec("10"));
        assertEquals(25, SendSettings.parseFec("25%"));
        assertEquals(10, SendSettings.of(1, null, null).withFec(10).config().fecPercent());
        assertContains(refusal(() -> SendSettings.parseFec("101")), "--fec is off, auto or a percentage 0..100, not 101");
        assertContains(refusal(() -> SendSettings.parseFec("lots")), "not lots");
        assertContains(refusal(() -> SendSettings.of(1, null, null).withFec(-5)), "parity ahead must be auto or 0..100");
    }

    @Test
    void aSessionsSenderStartsWhenAllJoinedOrAfterTheJoinWait() {
        SendSettings s = SendSettings.forSession(4, 200_000_000L, 1400);
        assertEquals(4, s.expectedReceivers());
        assertEquals(TransferDefaults.SESSION_JOIN_WAIT, s.idleStart());
        assertEquals(TransferDefaults.SESSION_START_TIMEOUT, s.startTimeout());
        assertEquals(Duration.ofSeconds(3), s.withStart(Duration.ofSeconds(3), null).idleStart());
    }

    @Test
    void receiveSettingsNeedPositiveTimeouts() {
        ReceiveSettings s = ReceiveSettings.forSession("pc-1");
        assertEquals(TransferDefaults.SESSION_LISTEN_TIMEOUT, s.listenTimeout());
        assertEquals(TransferDefaults.SENDER_TIMEOUT, s.senderTimeout());
        assertEquals("", new ReceiveSettings(null, null, Duration.ofSeconds(1)).host());
        assertContains(refusal(() -> new ReceiveSettings("pc", Duration.ofSeconds(-3), Duration.ofSeconds(1))),
                "timeouts must be positive");
        assertContains(refusal(() -> new ReceiveSettings("pc", null, Duration.ZERO)), "timeouts must be positive");
        assertContains(refusal(() -> new ReceiveSettings("pc", null, null)), "timeouts must be positive");
    }
}
