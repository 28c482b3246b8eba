package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest a platform team applies parses with fabric8's typed models, and Trimtab's own
 * RBAC grants no wildcard verb, resource or apiGroup, and nothing beyond what the code uses.
 */
class DeployManifestsTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static List<HasMetadata> all() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("k8s-manifests"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")
                            && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList()) {
                for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
                    if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                        HasMetadata o = SERIALIZATION.unmarshal(doc);
                        assertThat(o.getMetadata().getName())
                                .as("a name in %s", f)
                                .isNotBlank();
                        objects.add(o);
                    }
                }
            }
        }
        return objects;
    }

    @Test
    void everyManifestParsesWithTypedModelsWhereKubernetesHasThem() throws IOException {
        List<HasMetadata> objects = all();
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains(
                        "CustomResourceDefinition",
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Service",
                        "KafkaSource",
                        "KafkaUser",
                        "ApiServerSource");
        objects.stream()
                .filter(o ->
                        o.getKind().startsWith("ClusterRole") || o.getKind().equals("ServiceAccount"))
                .forEach(o -> assertThat(o).as(o.getKind()).isNotInstanceOf(GenericKubernetesResource.class));
    }

    @Test
    void trimtabRbacHasNoWildcards() throws IOException {
        for (HasMetadata o : all()) {
            List<PolicyRule> rules =
                    o instanceof ClusterRole c ? c.getRules() : o instanceof Role r ? r.getRules() : List.of();
            for (PolicyRule rule : rules) {
                assertThat(rule.getVerbs())
                        .as("%s verbs", o.getMetadata().getName())
                        .doesNotContain("*");
                assertThat(rule.getResources())
                        .as("%s resources", o.getMetadata().getName())
                        .doesNotContain("*")
                        .allMatch(r -> !r.endsWith("/*"));
                assertThat(rule.getApiGroups())
                        .as("%s apiGroups", o.getMetadata().getName())
                        .doesNotContain("*");
            }
        }
    }

    /**
     * The autoscaler, placement and the policy function make no cluster write until every watched
     * policy kind has been listed (LivePolicies.inForce): a kind their account cannot list would
     * hold their writes for good.
     */
    @Test
    void everyFunctionWhoseWritesWaitForThePoliciesMayListThemAll() throws IOException {
        for (String name : List.of("trimtab-autoscaler", "trimtab-placement", "trimtab-policy")) {
            ClusterRole role = all().stream()
                    .filter(o -> o instanceof ClusterRole
                            && o.getMetadata().getName().equals(name))
                    .map(ClusterRole.class::cast)
                    .findFirst()
                    .orElseThrow();
            for (String kind : List.of(
                    "validatingadmissionpolicies",
                    "validatingadmissionpolicybindings",
                    "mutatingadmissionpolicies",
                    "mutatingadmissionpolicybindings")) {
                assertThat(role.getRules())
                        .as("%s may list and watch %s", name, kind)
                        .anyMatch(r -> r.getApiGroups().contains("admissionregistration.k8s.io")
                                && r.getResources().contains(kind)
                                && r.getVerbs().containsAll(List.of("list", "watch")));
            }
        }
    }

    @Test
    void theAutoscalerMayWriteOnlyScaleStatusAndEvents() throws IOException {
        ClusterRole role = all().stream()
                .filter(o ->
                        o instanceof ClusterRole && o.getMetadata().getName().equals("trimtab-autoscaler"))
                .map(ClusterRole.class::cast)
                .findFirst()
                .orElseThrow();
        for (PolicyRule rule : role.getRules()) {
            boolean writes = rule.getVerbs().stream()
                    .anyMatch(v -> List.of("create", "update", "patch", "delete", "deletecollection")
                            .contains(v));
            if (writes) {
                assertThat(rule.getResources())
                        .as("written resources")
                        .allMatch(r -> r.endsWith("/scale") || r.endsWith("/status") || r.equals("events"));
            }
        }
    }
}
