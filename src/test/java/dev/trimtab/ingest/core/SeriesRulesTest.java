package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SeriesRulesTest {
    static final long NOW = 1_800_000_000_000L;
    static final SeriesRules RULES =
            new SeriesRules(SeriesRules.DEFAULT_OBJECT_LABELS, new SeriesRules.Bounds(4, 20, 5_000));

    record Case(String name, Series given, Object want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> shapes() {
        return List.of(
                new Case(
                        "namespace and pod: a Pods metric about the pod",
                        new Series("http_requests", Map.of("namespace", "shop", "pod", "web-0", "job", "x"), 12.5, NOW),
                        new MetricItem.PodValue("shop", "web-0", "http_requests", 12_500, NOW)),
                new Case(
                        "pod wins over deployment",
                        new Series("m", Map.of("namespace", "shop", "pod", "web-0", "deployment", "web"), 1, NOW),
                        new MetricItem.PodValue("shop", "web-0", "m", 1000, NOW)),
                new Case(
                        "namespace and deployment: an Object metric",
                        new Series(
                                "kube_deployment_spec_replicas",
                                Map.of("namespace", "shop", "deployment", "web"),
                                3,
                                NOW),
                        new MetricItem.ObjectValue(
                                "shop", "apps/v1", "Deployment", "web", "kube_deployment_spec_replicas", 3000, NOW)),
                new Case(
                        "the first object label in order: statefulset before service",
                        new Series("m", Map.of("namespace", "db", "service", "pg", "statefulset", "pg"), 1, NOW),
                        new MetricItem.ObjectValue("db", "apps/v1", "StatefulSet", "pg", "m", 1000, NOW)),
                new Case(
                        "an object label without a namespace: External, seen everywhere",
                        new Series("m", Map.of("deployment", "web"), 1, NOW),
                        new MetricItem.ExternalValue("", "m", Map.of("deployment", "web"), 1000, NOW)),
                new Case(
                        "other labels: External scoped to the namespace label, which is not kept",
                        new Series("queue_depth", Map.of("namespace", "shop", "queue", "orders"), 42, NOW),
                        new MetricItem.ExternalValue("shop", "queue_depth", Map.of("queue", "orders"), 42_000, NOW)),
                new Case(
                        "values rounded to milli-units",
                        new Series("m", Map.of(), 0.0004999, NOW),
                        new MetricItem.ExternalValue("", "m", Map.of(), 0, NOW)),
                new Case(
                        "NaN (a staleness marker): skipped",
                        new Series("m", Map.of(), Double.longBitsToDouble(0x7ff0000000000002L), NOW),
                        Skipped.Reason.NotANumber),
                new Case(
                        "+Inf: skipped",
                        new Series("m", Map.of(), Double.POSITIVE_INFINITY, NOW),
                        Skipped.Reason.OutOfRange),
                new Case(
                        "larger than a quantity holds: skipped",
                        new Series("m", Map.of(), 1e16, NOW),
                        Skipped.Reason.OutOfRange),
                new Case("negative: skipped", new Series("m", Map.of(), -1, NOW), Skipped.Reason.Negative),
                new Case(
                        "an External series with more labels than an event may carry: skipped",
                        new Series("m", Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5"), 1, NOW),
                        Skipped.Reason.TooManyLabels),
                new Case(
                        "an External label longer than an event may carry: skipped",
                        new Series("m", Map.of("path", "/".repeat(21)), 1, NOW),
                        Skipped.Reason.TooManyLabels),
                new Case(
                        "a sample from the past is taken (it may be stale by the time it is decided on)",
                        new Series("m", Map.of(), 1, NOW - 3_600_000),
                        new MetricItem.ExternalValue("", "m", Map.of(), 1000, NOW - 3_600_000)),
                new Case(
                        "a sample within the clock skew ahead is taken",
                        new Series("m", Map.of(), 1, NOW + 5_000),
                        new MetricItem.ExternalValue("", "m", Map.of(), 1000, NOW + 5_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aSeriesBecomesTheMetricItsLabelsDescribe(Case c) {
        SeriesRules.Conversion out = RULES.convert(List.of(c.given()), NOW);
        if (c.want() instanceof Skipped.Reason reason) {
            assertThat(out.items()).isEmpty();
            assertThat(out.skipped()).extracting(Skipped::reason).containsExactly(reason);
        } else {
            assertThat(out.items()).containsExactly((MetricItem) c.want());
            assertThat(out.skipped()).isEmpty();
        }
    }

    @Test
    void aSampleDatedPastTheClockSkewRefusesTheWholeRequest() {
        List<Series> series =
                List.of(new Series("ok", Map.of(), 1, NOW), new Series("late", Map.of("pod", "x"), 1, NOW + 5_001));
        assertThatThrownBy(() -> RULES.convert(series, NOW))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("series late{pod=\"x\"}: its sample is dated")
                .hasMessageContaining("more than 5000 ms ahead of this receiver's clock")
                .hasMessageContaining("trimtab.autoscaler.input.max-clock-skew");
    }
}
