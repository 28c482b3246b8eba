package dev.trimtab.placement.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.placement.PlacementSettings;
import dev.trimtab.placement.core.SpreadConstraint;
import dev.trimtab.placement.core.SpreadDefaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Replay with the default scheduler's system-default spreading: a Deployment's pods (owned by a
 * ReplicaSet, selected by a Service) without constraints of their own spread over the nodes and
 * zones once the trace carries the Service and the ReplicaSet; without them every pod lands on the
 * first node (all else equal, ties go to the smallest name). The decisions name the default
 * constraints and where the selector came from.
 */
class DefaultSpreadReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private int seq;
    private int second;

    private String event(String type, Map<String, Object> object) throws Exception {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("specversion", "1.0");
        e.put("id", "e" + ++seq);
        e.put("source", "/apiserver");
        e.put("type", "dev.knative.apiserver.resource." + type);
        e.put("time", String.format("2026-12-07T10:00:%02dZ", second++));
        e.put("data", object);
        return JSON.writeValueAsString(e) + "\n";
    }

    private static Map<String, Object> node(String name, String zone) {
        return Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Node",
                "metadata",
                Map.of(
                        "name",
                        name,
                        "labels",
                        Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", zone)),
                "status",
                Map.of("allocatable", Map.of("cpu", "8", "memory", "32Gi", "pods", "110")));
    }

    private static Map<String, Object> pod(int i) {
        return Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Pod",
                "metadata",
                Map.of(
                        "namespace",
                        "shop",
                        "name",
                        "web-h1-" + i,
                        "labels",
                        Map.of("app", "web", "pod-template-hash", "h1"),
                        "ownerReferences",
                        List.of(Map.of(
                                "apiVersion",
                                "apps/v1",
                                "kind",
                                "ReplicaSet",
                                "name",
                                "web-h1",
                                "uid",
                                "u1",
                                "controller",
                                true))),
                "spec",
                Map.of(
                        "schedulerName",
                        "trimtab",
                        "containers",
                        List.of(Map.of(
                                "name",
                                "web",
                                "image",
                                "web:1",
                                "resources",
                                Map.of("requests", Map.of("cpu", "0", "memory", "0"))))),
                "status",
                Map.of("phase", "Pending"));
    }

    private String trace(boolean withWorkloads) throws Exception {
        StringBuilder t = new StringBuilder();
        t.append(event("add", node("node-a", "z1")))
                .append(event("add", node("node-b", "z2")))
                .append(event("add", node("node-c", "z3")));
        if (withWorkloads) {
            t.append(event(
                    "add",
                    Map.of(
                            "apiVersion",
                            "v1",
                            "kind",
                            "Service",
                            "metadata",
                            Map.of("namespace", "shop", "name", "web"),
                            "spec",
                            Map.of("selector", Map.of("app", "web")))));
            t.append(event(
                    "add",
                    Map.of(
                            "apiVersion",
                            "apps/v1",
                            "kind",
                            "ReplicaSet",
                            "metadata",
                            Map.of("namespace", "shop", "name", "web-h1"),
                            "spec",
                            Map.of(
                                    "replicas",
                                    6,
                                    "selector",
                                    Map.of("matchLabels", Map.of("app", "web", "pod-template-hash", "h1"))))));
        }
        for (int i = 0; i < 6; i++) {
            t.append(event("add", pod(i)));
        }
        return t.toString();
    }

    private static List<JsonNode> decisions(PlacementReplayTest.Run r) throws Exception {
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            JsonNode e = JSON.readTree(line);
            if (e.path("type").asText().equals(PlacementFolder.DECISION_TYPE)) {
                out.add(e.path("data"));
            }
        }
        return out;
    }

    @Test
    void theServiceAndReplicaSetSpreadTheirPodsOverNodesAndZones() throws Exception {
        List<JsonNode> with = decisions(PlacementReplayTest.replay(trace(true)));
        List<JsonNode> without = decisions(PlacementReplayTest.replay(trace(false)));
        assertThat(with).hasSize(6);
        assertThat(without.stream().map(d -> d.path("node").asText())).containsOnly("node-a");
        assertThat(without.get(0).has("notes")).isFalse();
        Map<String, Integer> perNode = new LinkedHashMap<>();
        with.forEach(d -> perNode.merge(d.path("node").asText(), 1, Integer::sum));
        assertThat(perNode).containsOnlyKeys("node-a", "node-b", "node-c").containsValues(2, 2, 2);
        // the second pod avoids node-a, which holds the first: PodTopologySpread scores it lowest
        JsonNode second = with.get(1);
        assertThat(second.path("node").asText())
                .isNotEqualTo(with.get(0).path("node").asText());
        for (JsonNode n : second.path("nodes")) {
            long spread = n.path("scores").path("PodTopologySpread").asLong();
            if (n.path("name").asText().equals(with.get(0).path("node").asText())) {
                assertThat(spread).isLessThan(100);
            } else {
                assertThat(spread).isEqualTo(100);
            }
        }
        assertThat(second.path("notes").get(0).asText())
                .isEqualTo("PodTopologySpread: system default topology spread "
                        + "constraints (kubernetes.io/hostname maxSkew 3 ScheduleAnyway, topology.kubernetes.io/zone maxSkew 5 "
                        + "ScheduleAnyway) over the pods matching app=web,app In [web],pod-template-hash In [h1] (from Service "
                        + "web, ReplicaSet web-h1)");
    }

    @Test
    void deletingTheServiceAndReplicaSetStopsTheSpreading() throws Exception {
        StringBuilder t = new StringBuilder(trace(true));
        t.append(event(
                "delete",
                Map.of("apiVersion", "v1", "kind", "Service", "metadata", Map.of("namespace", "shop", "name", "web"))));
        t.append(event(
                "delete",
                Map.of(
                        "apiVersion",
                        "apps/v1",
                        "kind",
                        "ReplicaSet",
                        "metadata",
                        Map.of("namespace", "shop", "name", "web-h1"))));
        Map<String, Object> late = new LinkedHashMap<>(pod(9));
        late.put("metadata", Map.of("namespace", "shop", "name", "web-late", "labels", Map.of("app", "web")));
        t.append(event("add", late));
        List<JsonNode> d = decisions(PlacementReplayTest.replay(t.toString()));
        assertThat(d).hasSize(7);
        assertThat(d.get(6).has("notes")).isFalse();
        assertThat(d.get(6).path("node").asText()).isEqualTo("node-a");
    }

    @Test
    void settingsChooseTheDefaultingTypeAndNameABadValue() {
        Properties p = new Properties();
        assertThat(PlacementSettings.profile(p).spreadDefaults()).isEqualTo(SpreadDefaults.SYSTEM);
        p.setProperty("trimtab.placement.spread-defaulting", "List");
        assertThat(PlacementSettings.profile(p).spreadDefaults()).isEqualTo(SpreadDefaults.NONE);
        p.setProperty(
                "trimtab.placement.spread-default-constraints",
                "topology.kubernetes.io/zone:1:ScheduleAnyway, rack:2:DoNotSchedule");
        assertThat(PlacementSettings.profile(p).spreadDefaults())
                .isEqualTo(SpreadDefaults.list(List.of(
                        new SpreadConstraint(1, "topology.kubernetes.io/zone", false, null, 1, true, false),
                        new SpreadConstraint(2, "rack", true, null, 1, true, false))));
        p.setProperty("trimtab.placement.spread-default-constraints", "rack:2:DoNotSchedule,rack:3:DoNotSchedule");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessage("trimtab.placement.spread-default-constraints: "
                        + "defaultConstraints[1]: duplicate topologyKey rack with DoNotSchedule");
        p.setProperty("trimtab.placement.spread-default-constraints", "rack:0:DoNotSchedule");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessage("trimtab.placement.spread-default-constraints: "
                        + "defaultConstraints[0].maxSkew: got 0, want greater than 0");
        p.setProperty("trimtab.placement.spread-default-constraints", "rack:2:Sometimes");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessageStartingWith(
                        "trimtab.placement.spread-default-constraints: got \"rack:2:Sometimes\", want topologyKey:maxSkew");
        p.setProperty("trimtab.placement.spread-defaulting", "System");
        p.setProperty("trimtab.placement.spread-default-constraints", "rack:2:DoNotSchedule");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessage("trimtab.placement.spread-default-constraints: "
                        + "got \"rack:2:DoNotSchedule\", want none with trimtab.placement.spread-defaulting=System");
        p.setProperty("trimtab.placement.spread-defaulting", "Sometimes");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessage("trimtab.placement.spread-defaulting: got " + "\"Sometimes\", want System or List");
    }
}
