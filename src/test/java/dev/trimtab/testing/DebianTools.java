package dev.trimtab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs from Debian's packages that tests drive as real peers (Prometheus, Alertmanager,
 * promtool). {@code .ci/run} installs them; outside CI a test without one is skipped, under CI
 * (env {@code CI} set) it fails, so a missing install step cannot pass unseen.
 */
public final class DebianTools {
    private DebianTools() {}

    /** The program's path on PATH; skips (or, under CI, fails) the test when it is not there. */
    public static String require(String program, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(d, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String ci = System.getenv("CI");
        assertThat(ci == null || ci.isEmpty())
                .as(program + " is missing under CI (.ci/run installs Debian's " + debianPackage + " package)")
                .isTrue();
        assumeTrue(false, program + " not found (apt-get install " + debianPackage + "); skipped outside CI");
        return null;
    }
}
