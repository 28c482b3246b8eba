package dev.trimtab.autoscaler.live;

import static org.awaitility.Awaitility.await;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.Watches;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.assertj.core.api.Assertions;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cluster state from fabric8 informers on the (mock) API server instead of the cluster-event topic:
 * the production default (application.properties; the other live tests run events mode). The
 * cluster-events channel is off, so no object reaches the autoscaler through Kafka.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(InformerModeTest.Informers.class)
class InformerModeTest extends LiveFixture {
    @Inject
    InformerSource informers;

    @Inject
    @Readiness
    ClusterViewHealth health;

    @Inject
    ScaleApplier applier;

    @Inject
    LiveSettings settings;

    @Inject
    DeletionCosts deletionCosts;

    /** Namespace of the workload that exists before the application starts. */
    static final String OLD = "before-start";

    /** The production settings of the cluster view (the test profile switches them to events mode). */
    public static class Informers implements QuarkusTestProfile, MockKubernetes.Setup {
        @Override
        public void prepare(KubernetesServer server) {
            new BeforeStart().accept(server);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trimtab.autoscaler.cluster-state",
                    "informers",
                    "mp.messaging.incoming.cluster-events.enabled",
                    "false");
        }
    }

    /**
     * Runs before the application starts: a Deployment, its pods and its ScalingPolicy, as a
     * cluster holds them when an autoscaler restarts long after they last changed.
     */
    public static class BeforeStart implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            try {
                objects(server.getClient(), OLD, "web");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    void deploymentPodsAndPolicy(String ns, String name) throws Exception {
        objects(client, ns, name);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", ns, name)));
    }

    /** A Deployment of 2 ready pods (500m cpu requested each) and a ScalingPolicy for 50 % cpu. */
    static void objects(KubernetesClient client, String ns, String name) throws Exception {
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .withNewSelector()
                        .addToMatchLabels("app", name)
                        .endSelector()
                        .endSpec()
                        .build())
                .create();
        Instant started = Instant.now().minusSeconds(3600);
        for (int i = 0; i < 2; i++) {
            client.pods()
                    .inNamespace(ns)
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(name + "-" + i)
                            .withNamespace(ns)
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
        client.genericKubernetesResources(POLICIES)
                .inNamespace(ns)
                .resource(CloudEventCodec.JSON.readValue(
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\""
                                + name
                                + "\",\"namespace\":\"" + ns
                                + "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
                                + "\"Deployment\",\"name\":\"" + name
                                + "\"},\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                                + "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]}}",
                        GenericKubernetesResource.class))
                .create();
    }

    /**
     * Restart independence (issue 13): the Deployment, pods and ScalingPolicy were created before
     * the application started and no cluster event exists for them on Kafka; the informers' first
     * list is all the autoscaler has, and a metric event scales the Deployment.
     */
    @Test
    void objectsCreatedBeforeStartAreKnownWithoutAnyClusterEventAndScaled() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> informers.synced());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", OLD, "web")));
        Assertions.assertThat(health.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        structured("trimtab.metrics", OLD + "/web", cpu(OLD, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(OLD, "web") == 4);
    }

    /**
     * Issue 13: listed is not folded. A second InformerSource (as a restarted instance) lists the
     * objects while the engine's lock is held (as by a metric batch), so none of its folds can
     * reach the engine: it must not call itself synced, and readiness says how many are pending.
     * Once the lock is free it turns synced, and then the engine knows the policy.
     */
    @Test
    void notSyncedWhileTheListedObjectsAreNotFoldedIntoTheEngine() throws Exception {
        String ns = "inf-folds";
        ObjectRef policy = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", ns, "web");
        AtomicReference<String> joined = new AtomicReference<>();
        GroupJoin join = new GroupJoin(null, settings) {
            @Override
            void join(String why) {
                joined.set(why);
            }
        };
        InformerSource restarted = new InformerSource(
                client, engine, applier, settings, deletionCosts, false, new DurableApply(engine, applier), join);
        try {
            // the engine itself, not its CDI client proxy: its synchronized methods lock the instance
            synchronized (ClientProxy.unwrap(engine)) {
                objects(client, ns, "web");
                restarted.start(null);
                // targets, pods and HPAs listed; the ScalingPolicies' informer waits until they are folded
                await().atMost(Duration.ofSeconds(4))
                        .until(() -> restarted.statuses().size() == InformerSource.WATCHED.size() - 1
                                && restarted.statuses().stream().allMatch(Watches.Status::inForce));
                Thread.sleep(300); // time enough for the policies' informer to start, were it let
                Assertions.assertThat(restarted.statuses())
                        .as("policies wait for their targets")
                        .noneMatch(st -> st.kind().equals("ScalingPolicy"));
                Assertions.assertThat(restarted.synced())
                        .as("listed, not folded")
                        .isFalse();
                Assertions.assertThat(restarted.pending())
                        .as("listed objects not folded")
                        .isPositive();
                Assertions.assertThat(engine.knows(policy)).isFalse();
                Assertions.assertThat(joined.get())
                        .as("no metric partitions before the view")
                        .isNull();
                ClusterViewHealth view = new ClusterViewHealth(settings, restarted, null);
                var down = view.call();
                Assertions.assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
                Assertions.assertThat(down.getData().orElseThrow().get("pending"))
                        .isEqualTo((long) restarted.pending());
                Assertions.assertThat(down.getData().orElseThrow().values())
                        .anyMatch(v -> String.valueOf(v).contains("still to fold"));
            }
            await().atMost(Duration.ofSeconds(4)).until(restarted::synced);
            Assertions.assertThat(engine.knows(policy))
                    .as("synced, so the policy is folded")
                    .isTrue();
            Assertions.assertThat(restarted.pending()).isZero();
            Assertions.assertThat(joined.get())
                    .as("synced: joins the metric group")
                    .isEqualTo("the cluster view is listed and folded");
        } finally {
            restarted.stop(null);
        }
    }

    @Test
    void anHpaOnTheTargetRefusesThePolicyAndItsReplicasAreNeverWritten() throws Exception {
        String ns = "inf-hpa";
        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("web-hpa")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("web")
                        .endScaleTargetRef()
                        .withMinReplicas(1)
                        .withMaxReplicas(5)
                        .endSpec()
                        .build())
                .create();
        deploymentPodsAndPolicy(ns, "web");
        String version = client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getMetadata()
                .getResourceVersion();
        structured("trimtab.metrics", ns + "/web", cpu(ns, "web", 450));

        var able = condition(ns, "web", "AbleToScale", "TargetAlreadyScaled");
        Assertions.assertThat(able.get("status").asText()).isEqualTo("False");
        Assertions.assertThat(able.get("message").asText())
                .contains("already scaled by HorizontalPodAutoscaler inf-hpa/web-hpa");
        Assertions.assertThat(replicas(ns, "web")).isEqualTo(2);
        Assertions.assertThat(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("web")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .as("never written")
                .isEqualTo(version);
    }

    @Test
    void aSecondWriterSeenByTheInformerIsReported() throws Exception {
        String ns = "inf-foreign";
        deploymentPodsAndPolicy(ns, "web");
        structured("trimtab.metrics", ns + "/web", cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
        client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
            d.getSpec().setReplicas(6);
            return d;
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                        .anyMatch(e -> "ReplicasChangedByOther".equals(e.getReason())));
        var reported = client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "ReplicasChangedByOther".equals(e.getReason()))
                .toList();
        Assertions.assertThat(reported).hasSize(1);
        Assertions.assertThat(reported.get(0).getMessage()).contains("changed from 4 to 6");
        condition(ns, "web", "AbleToScale", "ReplicasChangedByOther");
    }

    @Test
    void objectsFromTheApiAndMetricsFromKafkaScaleTheWorkload() throws Exception {
        String ns = "inf";
        deploymentPodsAndPolicy(ns, "web");

        structured("trimtab.metrics", ns + "/web", cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
    }
}
