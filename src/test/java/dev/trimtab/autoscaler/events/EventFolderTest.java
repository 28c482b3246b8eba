package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which events change which state, and which evaluations they trigger. */
class EventFolderTest {
    private ClusterState state;
    private EventFolder folder;

    static String event(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"t\",\"type\":\"" + type
                + "\",\"time\":\"2026-11-01T12:00:00Z\",\"data\":" + data + "}";
    }

    List<ScalingPolicy> fold(String type, String data) {
        var e = CloudEventCodec.parse(event(type, data));
        return folder.fold(e, e.time().toEpochMilli());
    }

    static String pod(String name, String app) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\","
                + "\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":"
                + "{\"requests\":{\"cpu\":\"100m\"}}}]},\"status\":{\"phase\":\"Running\"}}";
    }

    static String policy(String name, String target, String metrics) {
        return "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"" + target
                + "\"},\"maxReplicas\":5,\"metrics\":" + metrics + "}}";
    }

    static String deployment(String name) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\"}," + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\""
                + name + "\"}}}}";
    }

    static String podMetrics(String... pods) {
        StringBuilder items = new StringBuilder();
        for (String p : pods) {
            items.append(items.isEmpty() ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"")
                    .append(p)
                    .append("\",\"namespace\":\"ns\"},\"containers\":[{\"name\":\"c\",\"usage\":{\"cpu\":\"50m\"}}]}");
        }
        return "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":[" + items + "]}";
    }

    @BeforeEach
    void cluster() {
        state = new ClusterState();
        folder = new EventFolder(state);
        fold(EventFolder.ADD, deployment("a"));
        fold(EventFolder.ADD, deployment("b"));
        fold(EventFolder.ADD, pod("a-1", "a"));
        fold(EventFolder.ADD, pod("a-2", "a"));
        fold(EventFolder.ADD, pod("b-1", "b"));
        assertThat(fold(EventFolder.ADD, policy("pa", "a", "[]")))
                .extracting(p -> p.ref().name())
                .containsExactly("pa");
        fold(
                EventFolder.ADD,
                policy(
                        "pb",
                        "b",
                        "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"q\"},"
                                + "\"target\":{\"type\":\"Value\",\"value\":\"1\"}}}]"));
    }

    @Test
    void objectEventsOnlyChangeState() {
        assertThat(fold(EventFolder.UPDATE, pod("a-3", "a"))).isEmpty();
        assertThat(fold(EventFolder.UPDATE, deployment("a"))).isEmpty();
        assertThat(fold(EventFolder.DELETE, pod("a-3", "a"))).isEmpty();
        assertThat(state.pod("ns", "a-3")).isNull();
    }

    static String hpa(String name, String target, String owner) {
        return "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\"ns\",\"creationTimestamp\":\"2026-10-01T00:00:00Z\""
                + (owner == null
                        ? ""
                        : ",\"ownerReferences\":[{\"apiVersion\":\"keda.sh/v1alpha1\",\"kind\":\"ScaledObject\",\"name\":\""
                                + owner + "\",\"uid\":\"u\",\"controller\":true}]")
                + "},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"" + target + "\"},\"maxReplicas\":4}}";
    }

    @Test
    void anHpaOnAPolicysTargetClaimsItAndMakesThePolicyDue() {
        assertThat(fold(EventFolder.ADD, hpa("a-hpa", "a", null)))
                .extracting(p -> p.ref().name())
                .containsExactly("pa");
        assertThat(state.claims().on(ClusterState.TargetKey.of(new ObjectRef("apps/v1", "Deployment", "ns", "a"))))
                .extracting(c -> c.toString())
                .containsExactly("HorizontalPodAutoscaler ns/a-hpa", "ScalingPolicy ns/pa");
        assertThat(fold(EventFolder.UPDATE, hpa("a-hpa", "b", null)))
                .as("moved to b: both are due")
                .extracting(p -> p.ref().name())
                .containsExactly("pb", "pa");
        assertThat(fold(EventFolder.DELETE, hpa("a-hpa", "b", null)))
                .extracting(p -> p.ref().name())
                .containsExactly("pb");
        assertThat(fold(EventFolder.ADD, hpa("lone", "nothing-scales-it", null)))
                .isEmpty();
    }

    @Test
    void kedasHpaIsShownAsItsScaledObjectAndAScaledObjectDefaultsToADeployment() {
        fold(EventFolder.ADD, hpa("keda-hpa-a", "a", "a-so"));
        assertThat(
                        fold(
                                EventFolder.ADD,
                                "{\"apiVersion\":\"keda.sh/v1alpha1\",\"kind\":\"ScaledObject\",\"metadata\":"
                                        + "{\"name\":\"b-so\",\"namespace\":\"ns\"},\"spec\":{\"scaleTargetRef\":{\"name\":\"b\"}}}"))
                .extracting(p -> p.ref().name())
                .containsExactly("pb");
        assertThat(state.claims()
                        .on(ClusterState.TargetKey.of(new ObjectRef("apps/v1", "Deployment", "ns", "a")))
                        .get(0))
                .hasToString("ScaledObject ns/a-so");
        assertThat(state.claims()
                        .on(ClusterState.TargetKey.of(new ObjectRef("apps/v1", "Deployment", "ns", "b")))
                        .get(0))
                .hasToString("ScaledObject ns/b-so");
    }

    @Test
    void anHpaWithoutATargetIsRejectedNamingTheField() {
        assertThatThrownBy(
                        () -> fold(
                                EventFolder.ADD,
                                "{\"apiVersion\":\"autoscaling/v2\",\"kind\":"
                                        + "\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"h\",\"namespace\":\"ns\"},\"spec\":{}}"))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("spec.scaleTargetRef: missing");
    }

    @Test
    void aPolicyDeletedHandsItsTargetBack() {
        fold(EventFolder.ADD, policy("pa2", "a", "[]"));
        assertThat(fold(EventFolder.DELETE, policy("pa", "a", "[]")))
                .extracting(p -> p.ref().name())
                .containsExactly("pa2");
    }

    @Test
    void aPodMetricsListEvaluatesEachSelectingPolicyOnce() {
        assertThat(fold("m", podMetrics("a-1", "a-2")))
                .extracting(p -> p.ref().name())
                .containsExactly("pa");
        assertThat(fold("m", podMetrics("b-1"))).as("pb has no resource metric").isEmpty();
    }

    @Test
    void externalMetricsEvaluateThePoliciesThatReadThem() {
        String q = "{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\",\"kind\":\"ExternalMetricValue\","
                + "\"metricName\":\"q\",\"metricLabels\":{},\"value\":\"3\"}";
        assertThat(fold("m", q)).extracting(p -> p.ref().name()).containsExactly("pb");
    }

    @Test
    void aBadItemRejectsTheWholeListAndAppliesNothing() {
        String bad = podMetrics("a-1", "a-2").replace("\"cpu\":\"50m\"}}]}]", "\"cpu\":\"much\"}}]}]");
        assertThatThrownBy(() -> fold("m", bad))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("items[1].containers[0].usage.cpu: got \"much\"");
        assertThat(state.metrics().podUsage("ns", "a-1"))
                .as("the good item was not applied either")
                .isNull();
    }

    @Test
    void unknownDataIsNamed() {
        assertThatThrownBy(() -> fold("m", "{\"apiVersion\":\"v9\",\"kind\":\"Thing\"}"))
                .hasMessageContaining("apiVersion \"v9\" kind \"Thing\" is not an event the autoscaler reads");
        // objects of other kinds on the shared topic are other functions' input: ignored, not rejected
        assertThat(fold(EventFolder.ADD, "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"x\"}}"))
                .isEmpty();
    }

    @Test
    void deletingAPolicyForgetsItsHistory() {
        fold(EventFolder.DELETE, policy("pa", "a", "[]"));
        assertThat(state.policies()).extracting(p -> p.ref().name()).containsExactly("pb");
    }
}
