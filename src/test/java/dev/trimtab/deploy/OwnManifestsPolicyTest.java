package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.Manifests;
import dev.trimtab.policy.PolicyTests;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Trimtab's own manifests pass Trimtab's own policies: every pod template of k8s-manifests/
 * (Deployments, and Knative Services as the pods Knative makes of them) is reviewed, as a Pod
 * created in its namespace, against policies/pod-security (baseline and restricted) and
 * policies/resources-and-probes, with the Namespace objects of k8s-manifests/. Any finding fails
 * the test, each listed with the manifest, the policy and the message.
 */
public class OwnManifestsPolicyTest {
    private static final Path MANIFESTS = Path.of("k8s-manifests");
    private static final List<Path> POLICIES = List.of(
            Path.of("policies/pod-security/baseline.yaml"),
            Path.of("policies/pod-security/restricted.yaml"),
            Path.of("policies/resources-and-probes/policy.yaml"));

    /** A pod template found in a manifest: where it came from, and the Pod it becomes. */
    record Template(String source, Map<String, Object> pod) {}

    @Test
    void everyPodTemplatePassesPodSecurityRestrictedAndResourcesAndProbes() throws Exception {
        Manifests.Contents manifests = Manifests.read(MANIFESTS);
        assertThat(manifests.errors()).isEmpty();
        PolicyReview review = review(manifests.objects());
        assertThat(review.sources())
                .contains(
                        "Deployment trimtab/trimtab-policy",
                        "Deployment trimtab/trimtab-placement",
                        "Deployment trimtab/trimtab-autoscaler",
                        "Service trimtab/trimtab-autoscaler-push");
        assertThat(review.findings())
                .as("findings of Trimtab's own policies on k8s-manifests/")
                .isEmpty();
        // not vacuous: every policy was bound and evaluated (Trimtab's namespace enforces restricted)
        assertThat(review.evaluated())
                .containsExactlyInAnyOrder(
                        "trimtab.dev-pod-security-baseline",
                        "trimtab.dev-pod-security-restricted",
                        "trimtab.dev-resources-and-probes");
    }

    /** What the policies found on the pod templates of some objects, and which policies passed somewhere. */
    public record PolicyReview(List<String> sources, List<String> findings, Set<String> evaluated) {}

    /**
     * Every pod template of these objects reviewed as a Pod created in its namespace against
     * policies/pod-security (baseline, restricted) and policies/resources-and-probes, with the
     * Namespace objects among them; also used on the rendered kustomize overlays (KustomizeRenderTest).
     */
    public static PolicyReview review(List<Map<String, Object>> objects) {
        PolicyDirectory.Contents policies = PolicyDirectory.Contents.empty();
        POLICIES.forEach(p -> policies.addAll(PolicyDirectory.readFile(p, p.getParent())));
        assertThat(policies.errors()).isEmpty();
        List<Map<String, Object>> namespaces =
                objects.stream().filter(o -> "Namespace".equals(o.get("kind"))).toList();
        PolicyEngine engine = new PolicyEngine(policies.policies(), policies.bindings());
        ObjectCluster cluster = new ObjectCluster(namespaces);
        List<Template> templates = templates(objects);
        List<String> findings = new ArrayList<>();
        Set<String> evaluated = new TreeSet<>();
        for (Template t : templates) {
            PolicyEngine.Verdict v = engine.review(
                    AdmissionReviews.request(PolicyTests.review(
                            AdmissionReviews.JSON.valueToTree(Map.of("name", t.source(), "object", t.pod())))),
                    cluster);
            for (PolicyEngine.Result r : v.results()) {
                if (r.outcome() == PolicyEngine.Outcome.fail || r.outcome() == PolicyEngine.Outcome.error) {
                    findings.add(t.source() + ": " + r.policy() + " (" + r.outcome() + "): " + r.message());
                } else if (r.outcome() == PolicyEngine.Outcome.pass) {
                    evaluated.add(r.policy());
                }
            }
        }
        return new PolicyReview(templates.stream().map(Template::source).toList(), findings, evaluated);
    }

    /** Beyond the restricted profile: a read-only root filesystem, a non-root user id, a writable /tmp. */
    @Test
    @SuppressWarnings("unchecked")
    void everyContainerHasAReadOnlyRootFilesystemANonZeroUserAndAnEmptyDirTmp() throws Exception {
        List<String> findings = new ArrayList<>();
        for (Template t : templates(Manifests.read(MANIFESTS).objects())) {
            Map<String, Object> spec = (Map<String, Object>) t.pod().get("spec");
            Map<String, Object> podSc = (Map<String, Object>) spec.getOrDefault("securityContext", Map.of());
            List<Map<String, Object>> volumes = (List<Map<String, Object>>) spec.getOrDefault("volumes", List.of());
            for (Map<String, Object> c : (List<Map<String, Object>>) spec.get("containers")) {
                Map<String, Object> sc = (Map<String, Object>) c.getOrDefault("securityContext", Map.of());
                if (!Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))) {
                    findings.add(t.source() + ": container " + c.get("name") + " has no readOnlyRootFilesystem: true");
                }
                Object uid = sc.getOrDefault("runAsUser", podSc.get("runAsUser"));
                if (!(uid instanceof Number n) || n.longValue() == 0) {
                    findings.add(t.source() + ": container " + c.get("name") + " runs as user " + uid);
                }
                boolean tmp = ((List<Map<String, Object>>) c.getOrDefault("volumeMounts", List.of()))
                        .stream()
                                .anyMatch(m -> "/tmp".equals(m.get("mountPath"))
                                        && volumes.stream()
                                                .anyMatch(v -> v.get("name").equals(m.get("name"))
                                                        && v.containsKey("emptyDir")));
                if (!tmp) {
                    findings.add(t.source() + ": container " + c.get("name") + " has no emptyDir at /tmp");
                }
            }
        }
        assertThat(findings).isEmpty();
    }

    @Test
    void aTemplateThatBreaksTheRulesIsFound() throws Exception {
        // the same review, on a Deployment of the old kind (no securityContext, no liveness probe)
        Map<String, Object> deployment = PolicyDirectory.YAML.readValue("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: old, namespace: trimtab}
                spec:
                  template:
                    metadata: {labels: {app: old}}
                    spec:
                      containers:
                        - name: app
                          image: trimtab/trimtab:0.1.0
                          readinessProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                """, Map.class);
        List<Template> templates = templates(List.of(deployment));
        assertThat(templates).hasSize(1);
        Manifests.Contents manifests = Manifests.read(MANIFESTS);
        PolicyDirectory.Contents policies = PolicyDirectory.Contents.empty();
        POLICIES.forEach(p -> policies.addAll(PolicyDirectory.readFile(p, p.getParent())));
        PolicyEngine.Verdict v = new PolicyEngine(policies.policies(), policies.bindings())
                .review(
                        AdmissionReviews.request(PolicyTests.review(AdmissionReviews.JSON.valueToTree(
                                Map.of("name", "old", "object", templates.get(0).pod())))),
                        new ObjectCluster(manifests.objects().stream()
                                .filter(o -> "Namespace".equals(o.get("kind")))
                                .toList()));
        assertThat(v.allowed()).isFalse();
        assertThat(v.results())
                .filteredOn(r -> r.outcome() == PolicyEngine.Outcome.fail)
                .extracting(PolicyEngine.Result::policy)
                .contains("trimtab.dev-pod-security-restricted", "trimtab.dev-resources-and-probes");
    }

    /**
     * The guard of the webhooks' opt-out label (k8s-manifests/policy/exclude-label-guard.yaml), an
     * API-server policy, through Trimtab's own engine: setting or changing the label needs the
     * permission the shipped ClusterRole trimtab-admission-exclude grants; other label edits do not.
     */
    @Test
    void onlyWhoMayUpdateNamespacesAdmissionExcludeCanOptANamespaceOut() throws Exception {
        Path guard = MANIFESTS.resolve("policy/exclude-label-guard.yaml");
        PolicyDirectory.Contents contents = PolicyDirectory.readFile(guard, guard.getParent());
        assertThat(contents.errors()).isEmpty();
        List<Map<String, Object>> objects = new ArrayList<>(contents.objects());
        objects.add(PolicyDirectory.YAML.readValue("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: platform-admins-exclude}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: trimtab-admission-exclude}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: platform-admin}]
                """, Map.class));
        PolicyEngine engine = new PolicyEngine(contents.policies(), contents.bindings());
        ObjectCluster cluster = new ObjectCluster(objects);
        Map<String, Object> plain = namespace(Map.of("team", "shop"));
        Map<String, Object> excluded = namespace(Map.of("team", "shop", "admission.trimtab.dev/exclude", "true"));
        Map<String, Object> relabelled = namespace(Map.of("team", "checkout", "admission.trimtab.dev/exclude", "true"));

        PolicyEngine.Verdict dev = namespaceReview(engine, cluster, "dev", "UPDATE", excluded, plain);
        assertThat(dev.allowed()).isFalse();
        assertThat(dev.message()).contains("needs update on namespaces/admission-exclude in admission.trimtab.dev");
        assertThat(namespaceReview(engine, cluster, "dev", "CREATE", excluded, null)
                        .allowed())
                .isFalse();
        assertThat(namespaceReview(engine, cluster, "dev", "UPDATE", plain, excluded)
                        .allowed())
                .as("removing it")
                .isFalse();
        assertThat(namespaceReview(engine, cluster, "platform-admin", "UPDATE", excluded, plain)
                        .allowed())
                .isTrue();
        assertThat(namespaceReview(engine, cluster, "dev", "UPDATE", relabelled, excluded)
                        .allowed())
                .as("other labels of an excluded namespace")
                .isTrue();
        assertThat(namespaceReview(engine, cluster, "dev", "CREATE", plain, null)
                        .allowed())
                .isTrue();
    }

    private static Map<String, Object> namespace(Map<String, String> labels) {
        return Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "shop", "labels", labels));
    }

    private static PolicyEngine.Verdict namespaceReview(
            PolicyEngine engine,
            ObjectCluster cluster,
            String user,
            String operation,
            Map<String, Object> object,
            Map<String, Object> oldObject)
            throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", operation + " by " + user);
        c.put("operation", operation);
        c.put("namespace", "");
        c.put("userInfo", Map.of("username", user));
        c.put("object", object);
        if (oldObject != null) {
            c.put("oldObject", oldObject);
        }
        return engine.review(
                AdmissionReviews.request(PolicyTests.review(AdmissionReviews.JSON.valueToTree(c))), cluster);
    }

    /** The pod templates of Deployments, StatefulSets, DaemonSets, Jobs and Knative Services, as Pods. */
    @SuppressWarnings("unchecked")
    static List<Template> templates(List<Map<String, Object>> objects) {
        List<Template> out = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            String kind = String.valueOf(o.get("kind"));
            String apiVersion = String.valueOf(o.get("apiVersion"));
            boolean workload = apiVersion.equals("apps/v1")
                            && Set.of("Deployment", "StatefulSet", "DaemonSet").contains(kind)
                    || apiVersion.equals("batch/v1") && kind.equals("Job");
            boolean knative = apiVersion.startsWith("serving.knative.dev/") && kind.equals("Service");
            if (!workload && !knative) {
                continue;
            }
            Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) o.get("spec")).get("template");
            Map<String, Object> spec = AdmissionReviews.JSON.convertValue(template.get("spec"), Map.class);
            if (knative) {
                // Knative names the one container user-container when the manifest does not
                List<Map<String, Object>> containers = (List<Map<String, Object>>) spec.get("containers");
                containers.forEach(c -> c.putIfAbsent("name", "user-container"));
            }
            Map<String, Object> podMeta = new LinkedHashMap<>();
            podMeta.put("name", meta.get("name") + "-pod");
            podMeta.put("namespace", meta.getOrDefault("namespace", "default"));
            Map<String, Object> templateMeta = (Map<String, Object>) template.get("metadata");
            if (templateMeta != null && templateMeta.get("labels") != null) {
                podMeta.put("labels", templateMeta.get("labels"));
            }
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            pod.put("metadata", podMeta);
            pod.put("spec", spec);
            out.add(new Template(kind + " " + podMeta.get("namespace") + "/" + meta.get("name"), pod));
        }
        return out;
    }
}
