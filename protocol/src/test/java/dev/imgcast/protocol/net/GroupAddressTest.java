package dev.imgcast.protocol.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupAddressTest {
    @Test
    void theSameNameGivesTheSameGroupInside231() {
        InetAddress a = GroupAddress.derive("mcast01");
        assertEquals(a, GroupAddress.derive("mcast01"));
        assertEquals(231, a.getAddress()[0] & 0xFF);
        assertTrue(a.isMulticastAddress());
    }

    @Test
    void namesSpreadOverTheRangeAndAttemptsGiveAlternatives() {
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            InetAddress a = GroupAddress.derive("lab" + i);
            int last = a.getAddress()[3] & 0xFF;
            assertTrue(last != 0 && last != 255);
            seen.add(a);
        }
        assertTrue(seen.size() > 990, "collisions: " + (1000 - seen.size()));
        assertNotEquals(GroupAddress.derive("mcast01", 0), GroupAddress.derive("mcast01", 1));
    }

    @Test
    void invalidNamesAreRefusedWithTheRule() {
        for (String bad : new String[] {"", "-lead", "has space", "x".repeat(64), "semi;colon", "ümlaut"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupAddress.derive(bad));
            assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
        }
    }
}
