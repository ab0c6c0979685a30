package dev.imgcast.session;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <li>no CDI cycles: no bean injects (through {@code @Inject} fields, transitively) a bean that
 *     injects it back; deadlines go from the run lifecycle to the time rules as a CDI event;
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
    void noBeanInjectsItsWayBackToItself() {
        Map<String, Set<String>> injects = new HashMap<>();
        for (JavaClass c : main) {
            for (JavaField f : c.getFields()) {
                if (f.isAnnotatedWith("jakarta.inject.Inject") && f.getRawType().getPackageName().startsWith(ROOT)) {
                    injects.computeIfAbsent(c.getName(), k -> new LinkedHashSet<>()).add(f.getRawType().getName());
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (String bean : injects.keySet()) {
            findCycle(bean, bean, injects, new ArrayList<>(List.of(bean)), new LinkedHashSet<>(), cycles);
        }
        assertEquals(List.of(), cycles, "injection cycles");
        assertTrue(injects.getOrDefault("dev.imgcast.session.service.DeviceService", Set.of())
                .contains("dev.imgcast.session.service.RunLifecycle"), "the check sees the injections");
    }

    private static void findCycle(String start, String at, Map<String, Set<String>> injects, List<String> path,
                                  Set<String> seen, List<String> cycles) {
        for (String next : injects.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (seen.add(next)) {
                path.add(next);
                findCycle(start, next, injects, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
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
