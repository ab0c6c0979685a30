package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

class PackageRulesTest {
    @Test
    void aCycleBetweenTheRootPackageAndASubpackageFails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PackageRules.check("dev.imgcast.testsupport.cycle", new ClassFileImporter()));
        assertTrue(e.getMessage().contains("Top") && e.getMessage().contains("Below"), e.getMessage());
    }

    @Test
    void thisModuleHasNone() {
        PackageRules.assertNoPackageCycles("dev.imgcast.testsupport");
    }

    @Test
    void anEmptyPackageProvesNothingAndFails() {
        assertThrows(AssertionError.class, () -> PackageRules.assertNoPackageCycles("dev.imgcast.nothing.here"));
    }
}
