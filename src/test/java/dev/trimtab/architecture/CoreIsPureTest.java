package dev.trimtab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every {@code core} package decides with plain Java: no framework, broker, cluster client or JSON. */
class CoreIsPureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.trimtab");

    @Test
    void corePackagesImportNoFrameworks() {
        noClasses()
                .that()
                .resideInAPackage("..core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.quarkus..",
                        "io.smallrye..",
                        "io.fabric8..",
                        "org.apache.kafka..",
                        "io.micrometer..",
                        "jakarta..",
                        "javax..",
                        "io.vertx..",
                        "com.fasterxml..",
                        "org.jboss..")
                .because("the core must run the same in replay, tests and the live path (STYLE.md #1)")
                .check(MAIN);
    }

    @Test
    void coreDependsOnNothingOutsideTheCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.trimtab.autoscaler.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.trimtab.autoscaler.events..",
                        "dev.trimtab.autoscaler.replay..",
                        "dev.trimtab.cloudevents..")
                .check(MAIN);
    }

    @Test
    void coreNeverReadsTheWallClock() {
        noClasses()
                .that()
                .resideInAPackage("..core..")
                .should()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(Instant.class, "now")
                .because("time is an input: replay runs on the trace's clock")
                .check(MAIN);
    }
}
