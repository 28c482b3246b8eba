package dev.trimtab.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar local-bench [WORKLOADS [RATE [SECONDS]]]}
 * (build with {@code -Plocal}): the live autoscaler against the embedded broker and the mock API,
 * driven by metric events that each change a workload's desired replicas; see {@link BenchApp}.
 */
public final class LocalBench {
    private LocalBench() {}

    public static void main(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        System.setProperty("mp.messaging.incoming.metrics.concurrency", System.getProperty("bench.consumers", "4"));
        // -Dbench.dry-run=true: everything but the /scale write (measures Trimtab without the mock API server)
        System.setProperty("trimtab.autoscaler.dry-run", System.getProperty("bench.dry-run", "false"));
        LocalRun.run(BenchApp.class, api -> seed(api, workloads), args);
    }

    static List<String> seed(KubernetesClient api, int workloads) throws Exception {
        List<String> created = new ArrayList<>();
        Instant started = Instant.now().minusSeconds(3600);
        for (int i = 0; i < workloads; i++) {
            String name = "w" + i;
            api.apps()
                    .deployments()
                    .inNamespace("bench")
                    .resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace("bench")
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(2)
                            .withNewSelector()
                            .addToMatchLabels("app", name)
                            .endSelector()
                            .endSpec()
                            .build())
                    .create();
            for (int j = 0; j < 2; j++) {
                api.pods()
                        .inNamespace("bench")
                        .resource(new PodBuilder()
                                .withNewMetadata()
                                .withName(name + "-" + j)
                                .withNamespace("bench")
                                .addToLabels("app", name)
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("app")
                                .withImage("app")
                                .withNewResources()
                                .addToRequests("cpu", new Quantity("500m"))
                                .endResources()
                                .endContainer()
                                .endSpec()
                                .withNewStatus()
                                .withPhase("Running")
                                .withStartTime(started.toString())
                                .addNewCondition()
                                .withType("Ready")
                                .withStatus("True")
                                .withLastTransitionTime(started.plusSeconds(5).toString())
                                .endCondition()
                                .endStatus()
                                .build())
                        .create();
            }
            GenericKubernetesResource policy = new GenericKubernetesResource();
            policy.setApiVersion("trimtab.dev/v1alpha1");
            policy.setKind("ScalingPolicy");
            policy.setMetadata(new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace("bench")
                    .build());
            // no stabilization and generous rates: every metric event changes the desired count
            policy.setAdditionalProperty(
                    "spec",
                    Map.of(
                            "scaleTargetRef",
                            Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", name),
                            "minReplicas",
                            1,
                            "maxReplicas",
                            10,
                            "metrics",
                            List.of(Map.of(
                                    "type",
                                    "Resource",
                                    "resource",
                                    Map.of(
                                            "name",
                                            "cpu",
                                            "target",
                                            Map.of("type", "Utilization", "averageUtilization", 50)))),
                            "behavior",
                            Map.of(
                                    "scaleUp",
                                            Map.of(
                                                    "stabilizationWindowSeconds",
                                                    0,
                                                    "policies",
                                                    List.of(Map.of(
                                                            "type", "Percent", "value", 1000, "periodSeconds", 1))),
                                    "scaleDown",
                                            Map.of(
                                                    "stabilizationWindowSeconds",
                                                    0,
                                                    "policies",
                                                    List.of(Map.of(
                                                            "type", "Percent", "value", 100, "periodSeconds", 1))))));
            api.genericKubernetesResources(LocalRun.POLICIES)
                    .inNamespace("bench")
                    .resource(policy)
                    .create();
            created.add(name);
        }
        return created;
    }
}
