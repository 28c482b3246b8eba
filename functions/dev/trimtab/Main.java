package dev.trimtab;

import dev.trimtab.autoscaler.replay.ReplayCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. {@code replay FILE}, {@code convert --from FORMAT FILE}, {@code policy review …}, {@code network can-reach …} and {@code rbac can-i …} run offline, without starting
 * Quarkus, Kafka or a Kubernetes client; {@code local} (in a {@code -Plocal} build) runs the live autoscaler against an embedded
 * broker and an in-process Kubernetes API, {@code chaos} (also {@code -Plocal}) the fault suite of docs/reliability.md; anything else starts the function service.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        if (args.length > 0 && "replay".equals(args[0])) {
            System.exit(ReplayCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        if (args.length > 0 && "policy".equals(args[0])) {
            System.exit(dev.trimtab.policy.PolicyCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        if (args.length > 0 && "network".equals(args[0])) {
            System.exit(dev.trimtab.network.NetworkCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        if (args.length > 0 && "convert".equals(args[0])) {
            System.exit(dev.trimtab.ingest.convert.ConvertCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        if (args.length > 0 && "rbac".equals(args[0])) {
            System.exit(dev.trimtab.rbac.RbacCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        if (args.length > 0 && java.util.List.of("local", "local-bench", "ingest-bench", "lag-bench", "policy-bench", "chaos", "start-bench", "admission-bench").contains(args[0])) {
            local(switch (args[0]) {
                case "local" -> "LocalRun";
                case "local-bench" -> "LocalBench";
                case "ingest-bench" -> "IngestBench";
                case "lag-bench" -> "LagBench";
                case "chaos" -> "chaos.Chaos";
                case "start-bench" -> "chaos.StartBench";
                case "admission-bench" -> "chaos.AdmissionBench";
                default -> "PolicyBench";
            }, java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Quarkus.run(args);
    }

    /** The local run exists only in a {@code mvn -Plocal} build: production images carry no broker or mock API. */
    private static void local(String main, String... args) {
        try {
            Class.forName("dev.trimtab.local." + main).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (ClassNotFoundException e) {
            System.err.println("this build has no local mode: build it with  mvn -B -Plocal package -DskipTests");
            System.exit(2);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }
}
