package dev.trimtab.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar ingest-bench [WORKLOADS [SECONDS [RATE]]]} (build
 * with {@code -Plocal}): Prometheus remote write into the live autoscaler, from the request's send
 * to each workload's decision, against the request's own HTTP round trip; see {@link IngestBenchApp}.
 */
public final class IngestBench {
    private IngestBench() {}

    public static void main(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.setProperty("bench.http.port", Integer.toString(LocalRun.freePort()));
        // -Dbench.dry-run=false: the decision carried out includes the /scale write on the mock API
        System.setProperty("trimtab.autoscaler.dry-run", System.getProperty("bench.dry-run", "true"));
        LocalRun.run(
                IngestBenchApp.class,
                api -> {
                    List<String> names = LocalBench.seed(api, workloads);
                    // the policies read the Pods metric the requests carry, instead of cpu
                    for (String name : names) {
                        GenericKubernetesResource p = api.genericKubernetesResources(LocalRun.POLICIES)
                                .inNamespace("bench")
                                .withName(name)
                                .get();
                        @SuppressWarnings("unchecked")
                        Map<String, Object> spec = (Map<String, Object>)
                                p.getAdditionalProperties().get("spec");
                        spec.put(
                                "metrics",
                                List.of(Map.of(
                                        "type",
                                        "Pods",
                                        "pods",
                                        Map.of(
                                                "metric",
                                                Map.of("name", "http_requests"),
                                                "target",
                                                Map.of("type", "AverageValue", "averageValue", "10")))));
                        api.genericKubernetesResources(LocalRun.POLICIES)
                                .inNamespace("bench")
                                .resource(p)
                                .update();
                    }
                    return names;
                },
                args);
    }
}
