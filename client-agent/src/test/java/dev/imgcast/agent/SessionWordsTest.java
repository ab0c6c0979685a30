package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of img session that are right (the wrong ones: CommandLineTest). */
class SessionWordsTest {

    @Test
    void roleAndRulesAreRead() {
        SessionWords w = SessionWords.parse("mcast01", List.of("M", "clients=30", "t=0.5"), true);
        assertTrue(w.master());
        assertEquals(30, w.clients());
        assertEquals(new BigDecimal("0.5"), w.time());
        assertEquals(new SessionWords("master", 5, new BigDecimal("20")),
                SessionWords.parse("mcast01", List.of("master", "clients=5", "time=20"), false));
    }

    @Test
    void aClientOrADeviceWithoutRole() {
        SessionWords client = SessionWords.parse("mcast01", List.of("c"), false);
        assertEquals("client", client.role());
        assertFalse(client.master());
        SessionWords none = SessionWords.parse("mcast01", List.of(), false);
        assertNull(none.role());
        assertNull(none.clients());
        assertNull(none.time());
    }
}
