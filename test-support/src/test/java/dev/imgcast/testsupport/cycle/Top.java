package dev.imgcast.testsupport.cycle;

import dev.imgcast.testsupport.cycle.b.Below;

/** Half of a deliberate cycle between a root package and its subpackage, for PackageRulesTest. */
public final class Top {
    private Top() {
    }

    static Below below() {
        return null;
    }
}
