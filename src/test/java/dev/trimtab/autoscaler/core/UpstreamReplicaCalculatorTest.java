package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.kube.Quantity;
import dev.trimtab.testing.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes HPA replica calculator's own test cases (inputs and expected outputs carried
 * over as data in {@code upstream/hpa/replica-calculator-cases.json}), run against our calculator.
 */
class UpstreamReplicaCalculatorTest {
    private static final long NOW = 20_000_000_000_000L; // far enough that "zero time" (1e10 s ago) stays positive
    private static final String NS = "test-namespace";

    static Stream<Arguments> cases() {
        JsonNode all = Json.resource("/upstream/hpa/replica-calculator-cases.json");
        return StreamSupport.stream(all.spliterator(), false)
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesUpstream(String name, JsonNode c) {
        Settings settings = new Settings(
                0.1,
                Duration.ofSeconds(c.get("cpuInitializationPeriodSeconds").asLong()),
                Duration.ofSeconds(c.get("initialReadinessDelaySeconds").asLong()),
                Duration.ofMinutes(5),
                Duration.ofDays(365L * 1000));
        MetricStore store = new MetricStore();
        List<Pod> pods = new ArrayList<>();
        for (JsonNode p : c.get("pods")) {
            pods.add(pod(p));
        }
        MetricSpec spec =
                c.hasNonNull("resource") ? resource(c.get("resource"), store) : metric(c.get("metric"), store, pods);
        int current = c.get("currentReplicas").asInt();
        int status = c.path("statusReplicas").asInt(current);
        Tolerances tol = new Tolerances(
                c.at("/tolerance/scaleDown").asDouble(),
                c.at("/tolerance/scaleUp").asDouble());
        MetricResult r = ReplicaCalculator.compute(
                spec,
                new ReplicaCalculator.Input(
                        current, status, NS, selector(c.get("podSelector")), pods, store, tol, settings, NOW));

        JsonNode expect = c.get("expect");
        if (expect.hasNonNull("error")) {
            assertThat(r.error())
                    .as("error")
                    .isNotNull()
                    .contains(expect.get("error").asText());
            return;
        }
        assertThat(r.error()).as("error").isNull();
        assertThat(r.proposedReplicas())
                .as("replicas")
                .isEqualTo(expect.get("replicas").asInt());
        if (expect.hasNonNull("utilization")) {
            assertThat(r.currentUtilization())
                    .as("utilization")
                    .isEqualTo(expect.get("utilization").asInt());
        }
        if (expect.hasNonNull("rawValueMilli")) {
            assertThat(r.currentAverageMilli())
                    .as("raw value")
                    .isEqualTo(expect.get("rawValueMilli").asLong());
        }
        if (expect.hasNonNull("usageMilli")) {
            long usage = expect.get("usageMilli").asLong();
            Long observed =
                    spec.type() == MetricSpec.Type.Pods || spec.target().type() == MetricSpec.TargetType.AverageValue
                            ? r.currentAverageMilli()
                            : r.currentValueMilli();
            assertThat(observed).as("usage").isEqualTo(usage);
        }
    }

    private static long ago(JsonNode node, String field) {
        return NOW - node.get(field).asLong() * 1000L;
    }

    private static Pod pod(JsonNode p) {
        Boolean ready = p.get("ready").isNull()
                ? null
                : "True".equals(p.get("ready").asText())
                        ? Boolean.TRUE
                        : "False".equals(p.get("ready").asText()) ? Boolean.FALSE : null;
        List<Pod.Container> containers = new ArrayList<>();
        for (JsonNode c : p.get("containers")) {
            Map<String, Long> requests = new LinkedHashMap<>();
            c.get("requests")
                    .fields()
                    .forEachRemaining(e -> requests.put(
                            e.getKey(), Quantity.parseMilli(e.getValue().asText())));
            containers.add(new Pod.Container(c.get("name").asText(), requests));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        p.get("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new Pod(
                NS,
                p.get("name").asText(),
                labels,
                Pod.Phase.valueOf(p.get("phase").asText()),
                ready,
                p.hasNonNull("readyTransitionSecondsAgo") ? ago(p, "readyTransitionSecondsAgo") : 0,
                p.hasNonNull("startSecondsAgo") ? ago(p, "startSecondsAgo") : -1,
                p.get("deleting").asBoolean(),
                containers);
    }

    private static MetricSpec resource(JsonNode r, MetricStore store) {
        for (JsonNode m : r.get("podMetrics")) {
            List<PodUsage.ContainerUsage> containers = new ArrayList<>();
            for (JsonNode c : m.get("containers")) {
                containers.add(new PodUsage.ContainerUsage(
                        c.get("name").asText(),
                        c.get("usageMilli").isNull()
                                ? Map.of()
                                : Map.of(
                                        r.get("name").asText(),
                                        c.get("usageMilli").asLong())));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            m.path("labels")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            store.putPodUsage(
                    NS,
                    m.get("pod").asText(),
                    new PodUsage(
                            ago(m, "timestampSecondsAgo"),
                            m.get("windowSeconds").asLong() * 1000,
                            labels,
                            containers));
        }
        MetricSpec.Target target = r.hasNonNull("targetUtilization")
                ? MetricSpec.Target.utilization(r.get("targetUtilization").asInt())
                : MetricSpec.Target.averageValue(
                        r.get("targetAverageValueMilli").asLong());
        String container = r.get("container").asText();
        return container.isEmpty()
                ? MetricSpec.resource(r.get("name").asText(), target)
                : MetricSpec.containerResource(r.get("name").asText(), container, target);
    }

    private static MetricSpec metric(JsonNode m, MetricStore store, List<Pod> pods) {
        String name = m.get("name").asText();
        long target = m.get("targetMilli").asLong();
        LabelSelector selector = m.hasNonNull("selector") ? selector(m.get("selector")) : null;
        switch (m.get("kind").asText()) {
            case "Pods" -> {
                long ts = m.hasNonNull("podMetricsTimestampSecondsAgo") ? ago(m, "podMetricsTimestampSecondsAgo") : NOW;
                m.get("podValuesMilli")
                        .fields()
                        .forEachRemaining(e -> store.putPodMetric(
                                NS,
                                e.getKey(),
                                MetricStore.SeriesKey.of(name, selector),
                                new Sample(e.getValue().asLong(), ts, 60_000)));
                return MetricSpec.pods(name, selector, MetricSpec.Target.averageValue(target));
            }
            case "Object", "ObjectPerPod" -> {
                JsonNode ref = m.get("objectRef");
                ObjectRef described = new ObjectRef(
                        ref.get("apiVersion").asText(),
                        ref.get("kind").asText(),
                        NS,
                        ref.get("name").asText());
                store.putObjectMetric(
                        new MetricStore.ObjectKey(
                                NS, described.kind(), described.name(), MetricStore.SeriesKey.of(name, selector)),
                        new Sample(m.get("valueMilli").asLong(), NOW, 60_000));
                MetricSpec.Target t = m.get("kind").asText().equals("Object")
                        ? MetricSpec.Target.value(target)
                        : MetricSpec.Target.averageValue(target);
                return MetricSpec.object(name, selector, described, t);
            }
            default -> {
                int i = 0;
                for (JsonNode v : m.get("externalValuesMilli")) {
                    store.putExternal(
                            NS, name, Map.of("series", Integer.toString(i++)), new Sample(v.asLong(), NOW, 60_000));
                }
                MetricSpec.Target t = m.get("kind").asText().equals("External")
                        ? MetricSpec.Target.value(target)
                        : MetricSpec.Target.averageValue(target);
                return MetricSpec.external(name, null, t);
            }
        }
    }

    private static LabelSelector selector(JsonNode s) {
        Map<String, String> labels = new LinkedHashMap<>();
        s.path("matchLabels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new LabelSelector(labels, List.of());
    }
}
