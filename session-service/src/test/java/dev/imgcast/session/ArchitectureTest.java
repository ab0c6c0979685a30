package dev.imgcast.session;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How session-service is laid out, checked on its compiled main classes:
 * <ul>
 * <li>{@code rest} (HTTP in and out) and {@code messaging} (events in) call the use cases in
 *     {@code service}, which work on {@code domain}, {@code model}, {@code rules} and
 *     {@code outbox} (the events it publishes); no two packages depend on each other, directly or round a
 *     longer cycle;
 * <li>JAX-RS only in {@code rest}: the rules refuse with {@code domain.SessionException}s, and
 *     {@code rest} maps them to statuses;
 * <li>one clock: the injected {@link InstantSource}; no {@code Instant.now()} and the like, so
 *     tests can move time.
 * </ul>
 */
class ArchitectureTest {
    private static final String ROOT = "dev.imgcast.session";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void everyClassIsInASubpackage() {
        // the cycle check sees subpackages only, so nothing may live in the root package
        classes().should().resideInAPackage(ROOT + ".*..").check(main);
    }

    @Test
    void httpOnlyInRest() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".rest..")
                .should().dependOnClassesThat().resideInAPackage("jakarta.ws.rs..")
                .because("HTTP belongs to the REST layer; the rules refuse with domain exceptions")
                .check(main);
    }

    @Test
    void theDomainKnowsNoFrameworks() {
        noClasses().that().resideInAPackage(ROOT + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".service..", ROOT + ".model..",
                        ROOT + ".rest..", "jakarta.persistence..", "jakarta.enterprise..", "io.quarkus..")
                .check(main);
    }

    @Test
    void theTimeComesFromTheInjectedClock() {
        noClasses().should().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .because("time comes from the injected java.time.InstantSource, which tests advance")
                .check(main);
    }
}
