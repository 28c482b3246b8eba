package dev.trimtab;

import dev.trimtab.autoscaler.replay.ReplayCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. {@code replay FILE} runs offline, without starting Quarkus, Kafka or a Kubernetes
 * client; anything else starts the function service.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        if (args.length > 0 && "replay".equals(args[0])) {
            System.exit(ReplayCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.in, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
