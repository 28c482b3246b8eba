package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.live.InformerSource;
import dev.trimtab.kube.InformerEvents;
import dev.trimtab.kube.Manifests;
import dev.trimtab.placement.live.PlacementInformers;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped manifests build every cluster view from informers, not from the start of
 * trimtab.cluster-events (docs/decisions/0021): no default container switches a channel that reads
 * that topic on, the ApiServerSource is opt-in, and each function's ClusterRole may list and watch
 * every kind its informers watch (a kind it cannot list keeps it unready for good).
 */
class ClusterViewManifestsTest {
    private static final List<String> TOPIC_CHANNELS = List.of(
            "MP_MESSAGING_INCOMING_CLUSTER_EVENTS_ENABLED",
            "MP_MESSAGING_INCOMING_PLACEMENT_EVENTS_ENABLED",
            "MP_MESSAGING_INCOMING_POLICY_AUDIT_ENABLED");

    private static List<Map<String, Object>> defaults() throws Exception {
        List<Map<String, Object>> all = Manifests.read(Path.of("k8s-manifests")).objects();
        List<Map<String, Object>> optIn =
                Manifests.read(Path.of("k8s-manifests/opt-in")).objects();
        return all.stream().filter(o -> !optIn.contains(o)).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> envByWorkload() throws Exception {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (OwnManifestsPolicyTest.Template t : OwnManifestsPolicyTest.templates(defaults())) {
            Map<String, String> env = new LinkedHashMap<>();
            Map<String, Object> spec = (Map<String, Object>) t.pod().get("spec");
            for (Map<String, Object> c : (List<Map<String, Object>>) spec.get("containers")) {
                for (Map<String, Object> e : (List<Map<String, Object>>) c.getOrDefault("env", List.of())) {
                    env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value")));
                }
            }
            out.put(t.source(), env);
        }
        return out;
    }

    @Test
    void noDefaultContainerRebuildsAViewFromTheClusterEventTopicAndTheApiServerSourceIsOptIn() throws Exception {
        Map<String, Map<String, String>> envs = envByWorkload();
        assertThat(envs)
                .containsKeys(
                        "Deployment trimtab/trimtab-autoscaler",
                        "Service trimtab/trimtab-autoscaler-push",
                        "Deployment trimtab/trimtab-placement",
                        "Deployment trimtab/trimtab-policy");
        envs.forEach((workload, env) -> {
            for (String channel : TOPIC_CHANNELS) {
                assertThat(env.getOrDefault(channel, "false"))
                        .as("%s %s", workload, channel)
                        .isEqualTo("false");
            }
            assertThat(env.getOrDefault("TRIMTAB_AUTOSCALER_CLUSTER_STATE", "informers"))
                    .as(workload)
                    .isIn("informers", "none");
        });
        assertThat(envs.get("Deployment trimtab/trimtab-placement"))
                .containsEntry("TRIMTAB_PLACEMENT_INFORMERS", "true");
        assertThat(envs.get("Deployment trimtab/trimtab-policy")).containsKey("TRIMTAB_POLICY_AUDIT_INFORMERS");
        assertThat(defaults()).noneMatch(o -> "ApiServerSource".equals(o.get("kind")));
        List<Map<String, Object>> kafkaSources = defaults().stream()
                .filter(o -> "KafkaSource".equals(o.get("kind")))
                .toList();
        assertThat(kafkaSources)
                .allSatisfy(s -> assertThat(String.valueOf(s.get("spec"))).doesNotContain("trimtab.cluster-events"));
    }

    @Test
    void theAutoscalerMayListAndWatchEveryKindItsInformersWatch() throws Exception {
        List<ResourceDefinitionContext> kinds = new ArrayList<>(InformerSource.WATCHED);
        assertAllowed("trimtab-autoscaler", kinds);
    }

    @Test
    void placementAndThePolicyAuditMayListAndWatchEveryKindTheirInformersWatch() throws Exception {
        assertAllowed(
                "trimtab-placement",
                PlacementInformers.KINDS.stream().map(InformerEvents::context).toList());
        String audited =
                envByWorkload().get("Deployment trimtab/trimtab-policy").get("TRIMTAB_POLICY_AUDIT_INFORMERS");
        assertAllowed(
                "trimtab-policy",
                Arrays.stream(audited.split(","))
                        .map(String::trim)
                        .map(InformerEvents::context)
                        .toList());
    }

    @SuppressWarnings("unchecked")
    private static void assertAllowed(String role, List<ResourceDefinitionContext> kinds) throws Exception {
        Map<String, Object> clusterRole = defaults().stream()
                .filter(o -> "ClusterRole".equals(o.get("kind"))
                        && role.equals(((Map<String, Object>) o.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        List<Map<String, Object>> rules = (List<Map<String, Object>>) clusterRole.get("rules");
        for (ResourceDefinitionContext k : kinds) {
            assertThat(k).as("a kind of %s", role).isNotNull();
            String group = k.getGroup() == null ? "" : k.getGroup();
            assertThat(rules)
                    .as("%s may list and watch %s", role, k.getPlural())
                    .anyMatch(r -> ((List<String>) r.get("apiGroups")).contains(group)
                            && ((List<String>) r.get("resources")).contains(k.getPlural())
                            && !r.containsKey("resourceNames")
                            && ((List<String>) r.get("verbs")).containsAll(List.of("list", "watch")));
        }
    }
}
