package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgcast.registry.client.DeviceView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain lines img session prints without a terminal (logs and the lab tests read them). */
class DeviceScreenTest {

    private static DeviceView view(String version, String state, Integer clients, BigDecimal time) {
        return new DeviceView(7, "t", "d", "CLIENT", state, "waiting for clients=3 (2 registered)", version,
                "mcast01", 11, 1, "OPEN", "239.1.2.3", 9100, "AAAA", null, "DEVICE", null, clients, time, null, null,
                null, 2, List.of(new DeviceView.Peer("d2", null, "MASTER", "REGISTERED")));
    }

    @Test
    void oneLinePerChangeWithTheNoticeBelow() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DeviceScreen screen = new DeviceScreen(false, "mcast01", "eth0", "pc-1", "http://imaging:8081/");
            screen.show(view("v1", "REGISTERED", 3, new BigDecimal("0.5")));
            screen.show(view("v1", "REGISTERED", 3, new BigDecimal("0.5")));
            screen.notice("lost contact with session-service, retrying: down");
            screen.show(view("v1", "REGISTERED", null, null));
        } finally {
            System.setOut(original);
        }
        assertEquals("""
                session mcast01 run 1 OPEN: this device CLIENT REGISTERED, 2 registered  clients=3  time=0.5; \
                waiting for clients=3 (2 registered)
                session mcast01 run 1 OPEN: this device CLIENT REGISTERED, 2 registered; \
                waiting for clients=3 (2 registered)
                lost contact with session-service, retrying: down
                """, captured.toString(StandardCharsets.UTF_8));
    }
}
