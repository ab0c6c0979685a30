package dev.imgcast.testsupport.cycle.b;

import dev.imgcast.testsupport.cycle.Top;

/** The other half of the deliberate cycle. */
public final class Below {
    private Below() {
    }

    static Class<Top> top() {
        return Top.class;
    }
}
