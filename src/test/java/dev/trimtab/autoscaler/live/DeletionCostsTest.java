package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.LabelSelector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Before a scale-down the workload's pods get deletion costs that keep zones balanced; never on scale-up. */
class DeletionCostsTest {
    final List<String> patches = new ArrayList<>();
    final DeletionCosts costs = new DeletionCosts(
            true, (ns, name, patch) -> patches.add(ns + "/" + name + " " + patch), new SimpleMeterRegistry());

    static CloudEvent add(String json) throws Exception {
        JsonNode data = CloudEventCodec.JSON.readTree(json);
        return new CloudEvent("e", "/test", "dev.knative.apiserver.resource.add", null, null, null, data, Map.of());
    }

    static String node(String name, String zone) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{"
                + "\"topology.kubernetes.io/zone\":\"" + zone + "\"}},\"status\":{\"allocatable\":{\"cpu\":\"4\","
                + "\"memory\":\"8Gi\",\"pods\":\"110\"}}}";
    }

    static String pod(String name, String node, String app) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\","
                + "\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"" + node
                + "\",\"containers\":[{\"name\":"
                + "\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},\"status\":{\"phase\":\"Running\","
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
    }

    static ScaleDecision decision(int from, int to) {
        ObjectRef ref = new ObjectRef("apps/v1", "Deployment", "shop", "web");
        return new ScaleDecision(ref, ref, 0, from, to, Reason.DesiredWithinRange, "m", List.of(), to, to, false, "1");
    }

    @Test
    void theCrowdedZoneLosesAPodFirstAndOtherWorkloadsAreUntouched() throws Exception {
        costs.observe(add(node("a-1", "zone-a")));
        costs.observe(add(node("b-1", "zone-b")));
        costs.observe(add(pod("web-1", "a-1", "web")));
        costs.observe(add(pod("web-2", "a-1", "web")));
        costs.observe(add(pod("web-3", "b-1", "web")));
        costs.observe(add(pod("db-1", "b-1", "db")));
        ScaleTarget target = new ScaleTarget(
                new ObjectRef("apps/v1", "Deployment", "shop", "web"),
                3,
                3,
                new LabelSelector(Map.of("app", "web"), List.of()),
                "1");

        costs.beforeScaleDown(decision(3, 4), target);
        assertThat(patches).as("a scale-up annotates nothing").isEmpty();

        costs.beforeScaleDown(decision(3, 2), target);
        assertThat(patches).hasSize(3).noneMatch(p -> p.contains("db-1"));
        assertThat(patches.get(0))
                .startsWith("shop/web-")
                .contains("\"controller.kubernetes.io/pod-deletion-cost\":\"0\"");
        assertThat(patches.get(0)).doesNotContain("web-3"); // zone-a has two of the three pods: one of them goes first
    }
}
