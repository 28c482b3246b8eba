package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settings that keep Trimtab's admission webhooks from locking a cluster out
 * (docs/webhook.md): what they skip, what they do not intercept by default, and how the pods
 * behind them are kept answering.
 */
@SuppressWarnings("unchecked")
class WebhookManifestsTest {
    static final List<String> EXCLUDED =
            List.of("kube-system", "kube-public", "kube-node-lease", "trimtab", "cert-manager", "kafka");
    static final String OPT_OUT = "admission.trimtab.dev/exclude";
    private static List<Map<String, Object>> objects;
    private static List<Map<String, Object>> optIn;

    @BeforeAll
    static void read() throws Exception {
        Manifests.Contents c = Manifests.read(Path.of("k8s-manifests"));
        assertThat(c.errors()).isEmpty();
        objects = c.objects();
        optIn = Manifests.read(Path.of("k8s-manifests/opt-in")).objects();
    }

    private static List<Map<String, Object>> defaultWebhooks() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (String.valueOf(o.get("kind")).endsWith("WebhookConfiguration") && !optIn.contains(o)) {
                out.addAll((List<Map<String, Object>>) o.get("webhooks"));
            }
        }
        return out;
    }

    private static Map<String, Object> object(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")))
                .filter(o -> name.equals(((Map<String, Object>) o.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s-manifests/"));
    }

    @Test
    void everyWebhookSkipsTheSystemTrimtabCertManagerAndKafkaNamespacesAndTheOptOutLabel() {
        List<Map<String, Object>> all = new ArrayList<>(defaultWebhooks());
        optIn.stream()
                .filter(o -> String.valueOf(o.get("kind")).endsWith("WebhookConfiguration"))
                .forEach(o -> all.addAll((List<Map<String, Object>>) o.get("webhooks")));
        assertThat(all).hasSizeGreaterThanOrEqualTo(4);
        for (Map<String, Object> w : all) {
            List<Map<String, Object>> expressions = (List<Map<String, Object>>)
                    ((Map<String, Object>) w.get("namespaceSelector")).get("matchExpressions");
            assertThat(expressions)
                    .as("%s", w.get("name"))
                    .anySatisfy(e -> {
                        assertThat(e.get("key")).isEqualTo("kubernetes.io/metadata.name");
                        assertThat(e.get("operator")).isEqualTo("NotIn");
                        assertThat((List<String>) e.get("values")).containsAll(EXCLUDED);
                    })
                    .anySatisfy(e -> {
                        assertThat(e.get("key")).isEqualTo(OPT_OUT);
                        assertThat(e.get("operator")).isEqualTo("NotIn");
                        assertThat((List<String>) e.get("values")).containsExactly("true");
                    });
        }
    }

    @Test
    void deleteAndScaleAreNotInterceptedByDefaultOnlyByTheOptInWebhookWhichFailsOpen() {
        for (Map<String, Object> w : defaultWebhooks()) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) w.get("rules")) {
                assertThat((List<String>) rule.get("operations"))
                        .as("%s", w.get("name"))
                        .doesNotContain("DELETE", "*");
                assertThat((List<String>) rule.get("resources"))
                        .as("%s", w.get("name"))
                        .noneMatch(r -> r.endsWith("/scale") || r.equals("*") || r.endsWith("/*"));
            }
        }
        Map<String, Object> optInWebhook = ((List<Map<String, Object>>) optIn.stream()
                        .filter(o -> "ValidatingWebhookConfiguration".equals(o.get("kind")))
                        .findFirst()
                        .orElseThrow()
                        .get("webhooks"))
                .get(0);
        assertThat(optInWebhook.get("failurePolicy")).isEqualTo("Ignore");
        assertThat(((Number) optInWebhook.get("timeoutSeconds")).intValue()).isLessThanOrEqualTo(2);
    }

    @Test
    void validatingWebhooksFailClosedFastAndControlPlaneUpdatesAreNotSent() {
        for (Map<String, Object> w : defaultWebhooks()) {
            assertThat(((Number) w.get("timeoutSeconds")).intValue())
                    .as("%s", w.get("name"))
                    .isLessThanOrEqualTo(5);
            assertThat(w.get("sideEffects")).isEqualTo("None");
            assertThat((List<Map<String, Object>>) w.get("matchConditions"))
                    .as("%s matchConditions", w.get("name"))
                    .isNotEmpty();
            if (String.valueOf(w.get("name")).startsWith("validate.")) {
                assertThat(w.get("failurePolicy")).as("%s", w.get("name")).isEqualTo("Fail");
            }
        }
    }

    @Test
    void theWebhookPodsAreReadyOnAdmissionAloneSpreadOverNodesProtectedAndPrioritized() {
        Map<String, Object> deployment = object("Deployment", "trimtab-policy");
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertThat(((Number) spec.get("replicas")).intValue()).isGreaterThanOrEqualTo(2);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        assertThat(pod.get("priorityClassName")).isEqualTo("trimtab-admission");
        Map<String, Object> priority = object("PriorityClass", "trimtab-admission");
        assertThat(((Number) priority.get("value")).longValue()).isPositive().isLessThan(1_000_000_000L);
        List<Map<String, Object>> antiAffinity = (List<Map<String, Object>>)
                ((Map<String, Object>) ((Map<String, Object>) pod.get("affinity")).get("podAntiAffinity"))
                        .get("requiredDuringSchedulingIgnoredDuringExecution");
        assertThat(antiAffinity).extracting(t -> t.get("topologyKey")).contains("kubernetes.io/hostname");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        for (String probe : List.of("startupProbe", "readinessProbe")) {
            assertThat(((Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet")).get("path"))
                    .as(probe)
                    .isEqualTo("/q/health/group/admission");
        }
        assertThat(container).containsKey("livenessProbe");
        Map<String, Object> pdb = object("PodDisruptionBudget", "trimtab-policy");
        Map<String, Object> pdbSpec = (Map<String, Object>) pdb.get("spec");
        assertThat(pdbSpec.get("minAvailable")).isEqualTo(1L);
        assertThat(pdbSpec.get("selector")).isEqualTo(spec.get("selector"));
    }

    @Test
    void theCertificatesIssuerIsShippedAndKnativeServicesAreClusterLocal() {
        Map<String, Object> certificate = object("Certificate", "trimtab-policy-serving");
        Map<String, Object> issuerRef =
                (Map<String, Object>) ((Map<String, Object>) certificate.get("spec")).get("issuerRef");
        Map<String, Object> issuer =
                object(String.valueOf(issuerRef.get("kind")), String.valueOf(issuerRef.get("name")));
        assertThat(((Map<String, Object>) issuer.get("metadata")).get("namespace"))
                .isEqualTo(((Map<String, Object>) certificate.get("metadata")).get("namespace"));
        List<Map<String, Object>> knative = objects.stream()
                .filter(o -> String.valueOf(o.get("apiVersion")).startsWith("serving.knative.dev/"))
                .toList();
        // push mode only: pull mode is a Deployment (overlays/autoscaler-pull/deployment.yaml)
        assertThat(knative)
                .hasSizeGreaterThanOrEqualTo(1)
                .allSatisfy(s -> assertThat(
                                (Map<String, Object>) ((Map<String, Object>) s.get("metadata")).get("labels"))
                        .containsEntry("networking.knative.dev/visibility", "cluster-local"));
        Map<String, Object> own = (Map<String, Object>)
                ((Map<String, Object>) object("Namespace", "trimtab").get("metadata")).get("labels");
        assertThat(own)
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry(OPT_OUT, "true");
    }
}
