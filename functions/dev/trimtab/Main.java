package dev.trimtab;

import dev.trimtab.cli.Cli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import java.util.Map;

/**
 * Entry point. No arguments or {@code serve} start the function service; {@code local} and the suites and
 * benchmarks of a {@code -Plocal} build run from {@code dev.trimtab.local}; every other command line is
 * {@link TrimtabCommand}'s (offline commands, {@code --help}, completion), without starting Quarkus.
 */
@QuarkusMain
public final class Main {
    /** The commands of a {@code -Plocal} build and their classes under {@code dev.trimtab.local}: each parses its own arguments. */
    private static final Map<String, String> LOCAL = Map.of(
            "local",
            "LocalRun",
            "local-bench",
            "LocalBench",
            "ingest-bench",
            "IngestBench",
            "lag-bench",
            "LagBench",
            "policy-bench",
            "PolicyBench",
            "chaos",
            "chaos.Chaos",
            "start-bench",
            "chaos.StartBench",
            "admission-bench",
            "chaos.AdmissionBench");

    private Main() {}

    public static void main(String... args) {
        if (args.length == 0 || args[0].equals("serve")) {
            Quarkus.run(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
            return;
        }
        if (LOCAL.containsKey(args[0])) {
            local(LOCAL.get(args[0]), Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(TrimtabCommand.run(args, Cli.Io.system()));
    }

    /** The local run exists only in a {@code mvn -Plocal} build: production images carry no broker or mock API. */
    private static void local(String main, String... args) {
        try {
            Class.forName("dev.trimtab.local." + main)
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (ClassNotFoundException e) {
            System.err.println("this build has no local mode: build it with  mvn -B -Plocal package -DskipTests");
            System.exit(2);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }
}
