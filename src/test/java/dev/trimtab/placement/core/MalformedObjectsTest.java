package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed Node and Pod objects are refused with the object and the field path. */
class MalformedObjectsTest {
    record Case(String name, Map<String, Object> object, boolean node, String want) {}

    static Stream<Arguments> cases() {
        Map<String, Object> md = Map.of("name", "web-1", "namespace", "shop");
        return Stream.of(
                        new Case(
                                "cpu is not a quantity",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of(
                                                "containers",
                                                List.of(Map.of(
                                                        "name",
                                                        "c",
                                                        "resources",
                                                        Map.of("requests", Map.of("cpu", "lots")))))),
                                false,
                                "Pod shop/web-1: spec.containers[0].resources.requests.cpu: got \"lots\", want a quantity"),
                        new Case(
                                "a quantity bomb (docs/decisions/0018: refused quickly)",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of(
                                                "containers",
                                                List.of(Map.of(
                                                        "name",
                                                        "c",
                                                        "resources",
                                                        Map.of("requests", Map.of("memory", "1e-100000000")))))),
                                false,
                                "Pod shop/web-1: spec.containers[0].resources.requests.memory: got \"1e-100000000\", want a quantity"),
                        new Case(
                                "node allocatable beyond int64 milli-units",
                                Map.of(
                                        "metadata",
                                        Map.of("name", "n1"),
                                        "status",
                                        Map.of("allocatable", Map.of("memory", "9223372036854775807Ei"))),
                                true,
                                "Node n1: status.allocatable.memory: got \"9223372036854775807Ei\", want a quantity"),
                        new Case(
                                "containers is not a list",
                                Map.of("metadata", md, "spec", Map.of("containers", "x")),
                                false,
                                "Pod shop/web-1: spec.containers: got \"x\", want a list"),
                        new Case(
                                "pod without a name",
                                Map.of("metadata", Map.of("namespace", "shop")),
                                false,
                                "Pod shop/<unnamed>: metadata.name: required"),
                        new Case(
                                "bad toleration operator",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of("tolerations", List.of(Map.of("key", "a", "operator", "Maybe")))),
                                false,
                                "Pod shop/web-1: spec.tolerations[0].operator: got \"Maybe\", want Exists or Equal"),
                        new Case(
                                "spread maxSkew zero",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of(
                                                "topologySpreadConstraints",
                                                List.of(Map.of(
                                                        "maxSkew",
                                                        0L,
                                                        "topologyKey",
                                                        "zone",
                                                        "whenUnsatisfiable",
                                                        "DoNotSchedule")))),
                                false,
                                "Pod shop/web-1: spec.topologySpreadConstraints[0].maxSkew: got 0, want an integer greater than 0"),
                        new Case(
                                "node affinity operator",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of(
                                                "affinity",
                                                Map.of(
                                                        "nodeAffinity",
                                                        Map.of(
                                                                "requiredDuringSchedulingIgnoredDuringExecution",
                                                                Map.of(
                                                                        "nodeSelectorTerms",
                                                                        List.of(Map.of(
                                                                                "matchExpressions",
                                                                                List.of(Map.of(
                                                                                        "key",
                                                                                        "a",
                                                                                        "operator",
                                                                                        "Near"))))))))),
                                false,
                                "Pod shop/web-1: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                                        + ".nodeSelectorTerms[0].matchExpressions[0].operator: got \"Near\""),
                        new Case(
                                "hostPort out of range",
                                Map.of(
                                        "metadata",
                                        md,
                                        "spec",
                                        Map.of(
                                                "containers",
                                                List.of(Map.of(
                                                        "name", "c", "ports", List.of(Map.of("hostPort", 70000L)))))),
                                false,
                                "Pod shop/web-1: spec.containers[0].ports[0].hostPort: got 70000"),
                        new Case(
                                "node allocatable memory",
                                Map.of(
                                        "metadata",
                                        Map.of("name", "n1"),
                                        "status",
                                        Map.of("allocatable", Map.of("memory", "8 gigs"))),
                                true,
                                "Node n1: status.allocatable.memory: got \"8 gigs\", want a quantity"),
                        new Case(
                                "node taint effect",
                                Map.of(
                                        "metadata",
                                        Map.of("name", "n1"),
                                        "spec",
                                        Map.of("taints", List.of(Map.of("key", "a", "effect", "Sometimes")))),
                                true,
                                "Node n1: spec.taints[0].effect: got \"Sometimes\", want NoSchedule, PreferNoSchedule or NoExecute"),
                        new Case(
                                "node labels not strings",
                                Map.of("metadata", Map.of("name", "n1", "labels", Map.of("zone", 3L))),
                                true,
                                "Node n1: metadata.labels.zone: got 3, want a string"))
                .map(c -> Arguments.of(c.name, c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refused(String name, Case c) {
        Snapshot s = new Snapshot();
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThatThrownBy(() -> {
                            if (c.node) {
                                s.upsertNode(c.object);
                            } else {
                                s.upsertPod(c.object);
                            }
                        })
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(c.want));
    }
}
