package dev.imgcast.protocol.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketBitmapTest {
    @Test
    void setClearAndCountAgreeWithBitSet() {
        Random random = new Random(5);
        PacketBitmap bitmap = new PacketBitmap(10_007);
        BitSet reference = new BitSet();
        for (int i = 0; i < 50_000; i++) {
            int index = random.nextInt(10_007);
            if (random.nextBoolean()) {
                assertEquals(!reference.get(index), bitmap.set(index));
                reference.set(index);
            } else {
                assertEquals(reference.get(index), bitmap.clear(index));
                reference.clear(index);
            }
        }
        assertEquals(reference.cardinality(), bitmap.count());
        long found = 0;
        for (long i = bitmap.nextSet(0); i >= 0; i = bitmap.nextSet(i + 1)) {
            assertTrue(reference.get((int) i));
            found++;
        }
        assertEquals(reference.cardinality(), found);
    }

    @Test
    void nextSetStopsAtTheEnd() {
        PacketBitmap bitmap = new PacketBitmap(130);
        assertEquals(-1, bitmap.nextSet(0));
        bitmap.set(129);
        assertEquals(129, bitmap.nextSet(64));
        assertEquals(-1, bitmap.nextSet(130));
        assertEquals(1, bitmap.countRange(0, 130));
        bitmap.clearAll();
        assertFalse(bitmap.get(129));
        assertEquals(0, bitmap.count());
    }
}
