package dev.trimtab.local;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.List;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar policy-bench [SECONDS]} (build with
 * {@code -Plocal}): the policy engine's speed, in process and over HTTP; see {@link PolicyBenchApp}.
 */
public final class PolicyBench {
    private PolicyBench() {}

    public static void main(String... args) throws Exception {
        System.setProperty("bench.http.port", Integer.toString(LocalRun.freePort()));
        System.setProperty("mp.messaging.incoming.metrics.enabled", "false");
        // the namespace the HTTP reviews are in: the webhook reads it (labels) from an informer's cache
        LocalRun.run(
                PolicyBenchApp.class,
                api -> {
                    api.namespaces()
                            .resource(new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("shop")
                                    .addToLabels("kubernetes.io/metadata.name", "shop")
                                    .endMetadata()
                                    .build())
                            .create();
                    return List.of("Namespace shop");
                },
                args);
    }
}
