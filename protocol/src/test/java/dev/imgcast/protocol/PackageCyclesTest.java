package dev.imgcast.protocol;

import dev.imgcast.testsupport.PackageRules;
import org.junit.jupiter.api.Test;

/** The packages of this module's main classes depend on each other without a cycle. */
class PackageCyclesTest {
    @Test
    void noPackageCycles() {
        PackageRules.assertNoPackageCycles("dev.imgcast.protocol");
    }
}
