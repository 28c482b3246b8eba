package dev.trimtab.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The top-level packages ({@code autoscaler}, {@code placement}, {@code policy}, {@code rbac},
 * {@code network}, {@code ingest}, and the shared {@code kube}, {@code cli}, {@code cloudevents}, …)
 * depend on each other without cycles, except through the edges listed here: known debts of issue 18
 * item 3, each to be removed, never added to (docs/decisions/0044). A new cycle fails the build with
 * the classes that make it.
 */
class NoCyclesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.trimtab");

    /** An edge a cycle may still run through, and why it is there. */
    record Edge(String from, String to, String why) {}

    static final List<Edge> KNOWN = List.of(
            new Edge(
                    "rbac",
                    "policy",
                    "RbacIntents uses the policy function's intent and report machinery (IntentLoop, "
                            + "LiveReports, ReportBook), while the policy function's CEL authorizer answers from the RBAC model"));

    @Test
    void functionPackagesAreFreeOfCyclesButForTheKnownEdges() {
        SliceRule rule = slices().matching("dev.trimtab.(*)..").should().beFreeOfCycles();
        for (Edge e : KNOWN) {
            rule = rule.ignoreDependency(
                    resideInAPackage("dev.trimtab." + e.from() + ".."),
                    resideInAPackage("dev.trimtab." + e.to() + ".."));
        }
        rule.check(MAIN);
    }
}
