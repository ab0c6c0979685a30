package dev.imgcast.testsupport;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package rules every module's tests check on its main classes. A package cycle means two
 * places that cannot be understood or changed one without the other; the checks make it fail the
 * build instead of growing unseen.
 */
public final class PackageRules {
    private PackageRules() {
    }

    /**
     * Fails when the packages under {@code root} (the root package itself included: every package
     * is a node of the graph) depend on each other in a cycle, naming the classes on it.
     */
    public static void assertNoPackageCycles(String root) {
        check(root, new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS));
    }

    static void check(String root, ClassFileImporter importer) {
        JavaClasses classes = importer.importPackages(root);
        if (classes.isEmpty()) {
            throw new AssertionError("no classes under " + root + ": the check would prove nothing");
        }
        // one slice per package: "(**)" after the parent captures "image", "image.rest", ...
        String parent = root.substring(0, root.lastIndexOf('.'));
        slices().matching(parent + ".(**)").should().beFreeOfCycles().check(classes);
    }
}
