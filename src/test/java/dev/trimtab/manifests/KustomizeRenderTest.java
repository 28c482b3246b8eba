package dev.trimtab.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.auth.core.Routes;
import dev.trimtab.autoscaler.events.ScalingPolicyParser;
import dev.trimtab.deploy.OwnManifestsPolicyTest;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.knative.eventing.v1alpha1.KafkaSink;
import io.fabric8.knative.sources.v1.ApiServerSource;
import io.fabric8.knative.sources.v1.KafkaSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomize overlay of k8s-manifests/ renders with {@code kubectl kustomize} (as shipped, with
 * each Kafka security component, and with every knob changed), and every rendered object parses
 * with its project's typed model with unknown fields failing: fabric8 for built-in kinds, fabric8's
 * Knative and cert-manager models, Strimzi's api; Trimtab's own kinds against the CRD schema in
 * base/ (and ScalingPolicies through the autoscaler's parser). Without kubectl the test is skipped,
 * unless the environment variable CI or TRIMTAB_REQUIRE_KUBECTL is set: then it fails (.ci/run
 * installs kubectl and sets TRIMTAB_REQUIRE_KUBECTL).
 */
class KustomizeRenderTest {
    static final Path MANIFESTS = Path.of("k8s-manifests");
    static final List<String> OVERLAYS = List.of("autoscaler-pull", "autoscaler-push", "policy", "placement");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static String kubectl;

    @BeforeAll
    static void findKubectl() throws Exception {
        kubectl = Optional.ofNullable(System.getenv("KUBECTL"))
                .filter(p -> Files.isExecutable(Path.of(p)))
                .or(() -> onPath("kubectl"))
                .orElse(null);
        if (kubectl == null) {
            unusable("kubectl not found (PATH or KUBECTL)");
        }
        // the overlays use components, replacements and label-selected patch targets: kustomize v5
        // (kubectl 1.27 or later; Debian bookworm's kubernetes-client 1.20 embeds kustomize v2)
        Process p = new ProcessBuilder(kubectl, "version", "--client")
                .redirectErrorStream(true)
                .start();
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("Kustomize Version: v(\\d+)").matcher(version);
        if (!m.find() || Integer.parseInt(m.group(1)) < 5) {
            unusable(kubectl + " embeds no kustomize v5 (" + version.strip().replace('\n', ' ') + ")");
        }
    }

    private static void unusable(String why) {
        String message = why + ": the kustomize overlays are not rendered. Install kubectl 1.27 or later "
                + "(.ci/run does: apt-get install kubectl) or point KUBECTL at one.";
        if (System.getenv("CI") != null || System.getenv("TRIMTAB_REQUIRE_KUBECTL") != null) {
            throw new AssertionError(message + " CI or TRIMTAB_REQUIRE_KUBECTL is set, so this is a failure.");
        }
        // surefire does not print why a class was skipped: say it here
        System.err.println("KustomizeRenderTest SKIPPED: " + message + " (set CI to make it a failure)");
        Assumptions.abort(message + " Skipped (set CI to make it a failure).");
    }

    static Stream<String> overlays() {
        return OVERLAYS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void asShippedEveryObjectParsesStrictlyAndKafkaIsTls(String overlay, @TempDir Path tmp) throws Exception {
        List<JsonNode> objects = render(MANIFESTS.resolve("overlays").resolve(overlay));
        validateAll(objects);
        assertKnobs(
                objects,
                new Knobs(
                        "trimtab",
                        "trimtab-kafka-bootstrap.kafka:9093",
                        "trimtab/trimtab:0.1.0",
                        "trimtab-cluster-ca-cert",
                        "trimtab",
                        userOf(overlay),
                        "SSL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void withEveryKnobChangedAndScramTheKnobsReachEveryPlaceThatNamesThem(String overlay, @TempDir Path tmp)
            throws Exception {
        Path tree = copyTree(tmp);
        Path kustomization = tree.resolve("overlays").resolve(overlay).resolve("kustomization.yaml");
        String k = Files.readString(kustomization);
        String changed = k.replace("namespace: trimtab\n", "namespace: ops\n")
                .replace(
                        "kafka-bootstrap-servers=trimtab-kafka-bootstrap.kafka:9093",
                        "kafka-bootstrap-servers=events-kafka-bootstrap.streaming:9094")
                .replace(
                        "kafka-cluster-ca-secret=trimtab-cluster-ca-cert",
                        "kafka-cluster-ca-secret=events-cluster-ca-cert")
                .replace("kafka-user-secret=" + userOf(overlay), "kafka-user-secret=prefixed-" + userOf(overlay))
                .replace("kafka-knative-secret=trimtab-autoscaler-knative-kafka", "kafka-knative-secret=knative-creds")
                .replace(
                        "    newName: trimtab/trimtab\n    newTag: 0.1.0",
                        "    newName: registry.example/platform/trimtab\n    newTag: 1.2.3")
                .replace("../../components/kafka-tls", "../../components/kafka-scram");
        assertThat(changed)
                .as("every knob of %s is where the test expects it", overlay)
                .doesNotContain("namespace: trimtab\n", "components/kafka-tls", "newTag: 0.1.0", "=trimtab-");
        Files.writeString(kustomization, changed);
        List<JsonNode> objects = render(kustomization.getParent());
        validateAll(objects);
        assertKnobs(
                objects,
                new Knobs(
                        "ops",
                        "events-kafka-bootstrap.streaming:9094",
                        "registry.example/platform/trimtab:1.2.3",
                        "events-cluster-ca-cert",
                        "events",
                        userOf(overlay),
                        "SASL_SSL"));
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals("KafkaUser")) {
                assertThat(o.at("/spec/authentication/type").asText()).as(id(o)).isEqualTo("scram-sha-512");
            }
            if (o.path("kind").asText().equals("KafkaSink")) {
                assertThat(o.at("/spec/auth/secret/ref/name").asText())
                        .as(id(o))
                        .isEqualTo("knative-creds");
            }
            if (o.path("kind").asText().equals("KafkaSource")) {
                assertThat(o.at("/spec/net/sasl/password/secretKeyRef/name").asText())
                        .as(id(o))
                        .isEqualTo("knative-creds");
                assertThat(o.at("/spec/sink/audience").asText())
                        .isEqualTo("serving.knative.dev/service/ops/trimtab-autoscaler-push");
            }
        }
        // no namespace "trimtab" left in a string that names one (webhook exclusions, CEL, DNS names, audiences)
        assertThat(objects.toString())
                .doesNotContain(
                        "service/trimtab/",
                        ":trimtab:",
                        ".trimtab.svc",
                        "'trimtab'",
                        "\"trimtab/trimtab-policy-serving",
                        "\"cluster\":\"trimtab\"",
                        "\"namespace\":\"trimtab\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void withoutAKafkaComponentTheClientsArePlainAndNothingIsMounted(String overlay, @TempDir Path tmp)
            throws Exception {
        Path tree = copyTree(tmp);
        Path kustomization = tree.resolve("overlays").resolve(overlay).resolve("kustomization.yaml");
        Files.writeString(
                kustomization, Files.readString(kustomization).replace("  - ../../components/kafka-tls\n", ""));
        List<JsonNode> objects = render(kustomization.getParent());
        validateAll(objects);
        for (JsonNode w : workloads(objects)) {
            assertThat(env(w))
                    .as(id(w))
                    .doesNotContainKeys("TRIMTAB_KAFKA_SECURITY_PROTOCOL", "TRIMTAB_KAFKA_SASL_USERNAME");
            assertThat(w.at("/spec/template/spec/volumes").toString()).as(id(w)).doesNotContain("kafka-");
        }
    }

    /**
     * The opt-in component kafka-lag-acls adds to the autoscaler's KafkaUser exactly what the Kafka-lag
     * source needs (docs/decisions/0034), and to no other user.
     */
    @Test
    void theKafkaLagComponentAddsItsAclsToTheAutoscalersUserOnly(@TempDir Path tmp) throws Exception {
        Path tree = copyTree(tmp);
        Path kustomization = tree.resolve("overlays").resolve("autoscaler-pull").resolve("kustomization.yaml");
        String k = Files.readString(kustomization);
        assertThat(k).contains("  - ../../components/kafka-tls\n");
        Files.writeString(
                kustomization,
                k.replace(
                        "  - ../../components/kafka-tls\n",
                        "  - ../../components/kafka-tls\n  - ../../components/kafka-lag-acls\n"));
        List<JsonNode> with = render(kustomization.getParent());
        validateAll(with);
        List<JsonNode> without = render(MANIFESTS.resolve("overlays").resolve("autoscaler-pull"));
        for (JsonNode user : with) {
            if (!user.path("kind").asText().equals("KafkaUser")) {
                continue;
            }
            String name = user.at("/metadata/name").asText();
            JsonNode before = without.stream()
                    .filter(o -> o.path("kind").asText().equals("KafkaUser")
                            && o.at("/metadata/name").asText().equals(name))
                    .findFirst()
                    .orElseThrow();
            List<String> added = new ArrayList<>();
            user.at("/spec/authorization/acls").forEach(a -> added.add(a.toString()));
            before.at("/spec/authorization/acls").forEach(a -> added.remove(a.toString()));
            assertThat(added)
                    .as(name)
                    .isEqualTo(
                            !name.equals("trimtab-autoscaler")
                                    ? List.of()
                                    : List.of( // kustomize sorts keys
                                            "{\"operations\":[\"Read\",\"Describe\"],\"resource\":{\"name\":\"__consumer_offsets\","
                                                    + "\"patternType\":\"literal\",\"type\":\"topic\"}}",
                                            "{\"operations\":[\"Describe\"],\"resource\":{\"name\":\"*\",\"patternType\":\"literal\",\"type\":\"group\"}}",
                                            "{\"operations\":[\"Describe\"],\"resource\":{\"name\":\"*\",\"patternType\":\"literal\",\"type\":\"topic\"}}"));
        }
    }

    /** The monitoring tree (applied on its own, where the Prometheus Operator runs) parses strictly. */
    @Test
    void theMonitoringObjectsParseStrictly() throws Exception {
        List<JsonNode> objects = render(MANIFESTS.resolve("monitoring"));
        assertThat(objects)
                .extracting(o -> o.path("kind").asText())
                .contains("ServiceMonitor", "PrometheusRule", "ConfigMap");
        validateAll(objects);
    }

    @Test
    void theExamplesAndTheTopicsParseStrictly() throws Exception {
        List<JsonNode> examples = render(MANIFESTS.resolve("examples"));
        assertThat(examples)
                .extracting(o -> o.path("kind").asText())
                .containsExactlyInAnyOrder(
                        "ScalingPolicy",
                        "ScalingPolicy",
                        "ScalingPolicy",
                        "ScalingPolicy",
                        "ScalingPolicy",
                        "ClusterRoleBinding",
                        "ClusterRoleBinding",
                        "Secret");
        // the remote-write and Alertmanager examples bind the role the receivers' routes ask for (Routes.METRIC_WRITER)
        assertThat(examples.stream().filter(o -> o.path("kind").asText().equals("ClusterRoleBinding")))
                .allSatisfy(
                        b -> assertThat(b.path("roleRef").path("name").asText()).isEqualTo(Routes.METRIC_WRITER));
        JsonNode writer = render(MANIFESTS.resolve("base")).stream()
                .filter(o -> o.path("metadata").path("name").asText().equals(Routes.METRIC_WRITER))
                .findFirst()
                .orElseThrow();
        assertThat(writer.path("rules").get(0).path("resources").get(0).asText())
                .isEqualTo("metrics/prometheus-remote-write");
        assertThat(writer.path("rules").get(0).path("apiGroups").get(0).asText())
                .isEqualTo(Routes.GROUP);
        List<JsonNode> crds = render(MANIFESTS.resolve("base"));
        validateAll(concat(crds, examples));
        List<JsonNode> topics = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("kafka-topics"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                topics.addAll(readAll(Files.readString(f)));
            }
        }
        assertThat(topics)
                .extracting(o -> o.path("kind").asText())
                .containsOnly("KafkaTopic")
                .hasSizeGreaterThanOrEqualTo(8);
        validateAll(topics);
    }

    /**
     * The rendered overlays, Kafka components included (Secret volumes, environment), still pass
     * Trimtab's own pod-security and resources-and-probes policies in the namespace they create.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theRenderedPodsPassTrimtabsOwnPodPolicies(String overlay) throws Exception {
        ObjectMapper longs = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (JsonNode o : render(MANIFESTS.resolve("overlays").resolve(overlay))) {
            objects.add(longs.convertValue(o, Map.class));
        }
        OwnManifestsPolicyTest.PolicyReview review = OwnManifestsPolicyTest.review(objects);
        assertThat(review.sources()).as(overlay).isNotEmpty();
        assertThat(review.findings()).as(overlay).isEmpty();
        assertThat(review.evaluated())
                .as(overlay)
                .containsExactlyInAnyOrder(
                        "trimtab.dev-pod-security-baseline",
                        "trimtab.dev-pod-security-restricted",
                        "trimtab.dev-resources-and-probes");
    }

    /** opt-in/ stays plain files, applied with kubectl apply -f: each parses strictly too. */
    @Test
    void theOptInsParseStrictly() throws Exception {
        List<JsonNode> optIn = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS.resolve("opt-in"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                optIn.addAll(readAll(Files.readString(f)));
            }
        }
        assertThat(optIn)
                .extracting(o -> o.path("kind").asText())
                .contains("ApiServerSource", "KafkaSink", "ValidatingWebhookConfiguration", "ClusterRole");
        validateAll(optIn);
    }

    /** The validation can fail: an unknown field in each model family is refused, naming it. */
    @Test
    void anUnknownFieldFailsInEveryModelFamily() throws Exception {
        List<JsonNode> objects = new ArrayList<>(render(MANIFESTS.resolve("overlays/autoscaler-push")));
        objects.addAll(render(MANIFESTS.resolve("overlays/policy")));
        objects.addAll(render(MANIFESTS.resolve("examples")));
        for (String kind : List.of(
                "Deployment",
                "ClusterRole",
                "Service",
                "KafkaSource",
                "KafkaSink",
                "KafkaUser",
                "Certificate",
                "Issuer",
                "ValidatingWebhookConfiguration",
                "ScalingPolicy")) {
            List<JsonNode> withCrds = new ArrayList<>(objects);
            JsonNode o = objects.stream()
                    .filter(x -> x.path("kind").asText().equals(kind))
                    .findFirst()
                    .orElseThrow()
                    .deepCopy();
            ObjectNode target = o.path("spec").isObject() ? (ObjectNode) o.path("spec") : (ObjectNode) o;
            target.put("replicaz", 3);
            withCrds.add(o);
            assertThatThrownBy(() -> validateAll(withCrds)).as(kind).hasMessageContaining("replicaz");
        }
    }

    // --- rendering -----------------------------------------------------------------------------

    static List<JsonNode> render(Path dir) throws IOException, InterruptedException {
        File out = File.createTempFile("kustomize", ".yaml");
        File err = File.createTempFile("kustomize", ".err");
        try {
            Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                    .redirectOutput(out)
                    .redirectError(err)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + ": no answer in 60 s");
            }
            assertThat(p.exitValue())
                    .as("kubectl kustomize %s: %s", dir, Files.readString(err.toPath()))
                    .isZero();
            return readAll(Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }

    static List<JsonNode> readAll(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    /** The whole k8s-manifests tree in a scratch directory (kustomize loads files only below a root). */
    static Path copyTree(Path tmp) throws IOException {
        Path target = tmp.resolve("k8s-manifests");
        try (Stream<Path> walk = Files.walk(MANIFESTS)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path to = target.resolve(MANIFESTS.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    // --- strict validation ---------------------------------------------------------------------

    /**
     * Each object through its typed model, unknown fields failing; the problems of all objects in
     * one error. An object of a kind no model here knows is a problem too: add its model.
     */
    static void validateAll(List<JsonNode> objects) {
        Map<String, JsonNode> crdSchemas = new HashMap<>();
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals("CustomResourceDefinition")) {
                for (JsonNode v : o.at("/spec/versions")) {
                    crdSchemas.put(
                            o.at("/spec/group").asText() + "/" + v.path("name").asText() + " "
                                    + o.at("/spec/names/kind").asText(),
                            v.at("/schema/openAPIV3Schema"));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            String key = o.path("apiVersion").asText() + " " + o.path("kind").asText();
            try {
                Class<?> model = Models.MODELS.get(key);
                if (model != null) {
                    Models.STRICT.treeToValue(o, model);
                } else if (crdSchemas.containsKey(key)) {
                    List<String> unknown = new ArrayList<>();
                    CrdSchema.unknownFields(o, crdSchemas.get(key), "", unknown);
                    unknown.forEach(u -> problems.add(id(o) + ": unknown field " + u + " (not in the CRD's schema)"));
                    Models.STRICT.treeToValue(o.path("metadata"), ObjectMeta.class);
                    if (o.path("kind").asText().equals(ScalingPolicyParser.KIND)) {
                        ScalingPolicyParser.parse(o);
                    }
                } else {
                    problems.add(id(o) + ": no typed model or CRD for " + key);
                }
            } catch (Exception e) {
                problems.add(id(o) + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }

    /** fabric8 and Strimzi keep unknown fields in an any-setter map: without it, they fail. */
    static final class Models {
        static final ObjectMapper STRICT = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                    @Override
                    public Boolean hasAnySetter(Annotated a) {
                        return Boolean.FALSE;
                    }
                });
        static final Map<String, Class<?>> MODELS = new HashMap<>();

        static {
            put(
                    "v1",
                    Namespace.class,
                    ServiceAccount.class,
                    io.fabric8.kubernetes.api.model.Service.class,
                    ConfigMap.class,
                    Secret.class);
            put("apps/v1", Deployment.class);
            put("policy/v1", PodDisruptionBudget.class);
            put("scheduling.k8s.io/v1", PriorityClass.class);
            put(
                    "rbac.authorization.k8s.io/v1",
                    ClusterRole.class,
                    ClusterRoleBinding.class,
                    Role.class,
                    RoleBinding.class);
            put("apiextensions.k8s.io/v1", CustomResourceDefinition.class);
            put(
                    "admissionregistration.k8s.io/v1",
                    ValidatingWebhookConfiguration.class,
                    MutatingWebhookConfiguration.class,
                    ValidatingAdmissionPolicy.class,
                    ValidatingAdmissionPolicyBinding.class);
            put("cert-manager.io/v1", Certificate.class, Issuer.class);
            put("serving.knative.dev/v1", io.fabric8.knative.serving.v1.Service.class);
            put("sources.knative.dev/v1", KafkaSource.class, ApiServerSource.class);
            put("eventing.knative.dev/v1alpha1", KafkaSink.class);
            put("kafka.strimzi.io/v1beta2", KafkaUser.class, KafkaTopic.class);
            put("monitoring.coreos.com/v1", ServiceMonitor.class, PrometheusRule.class);
        }

        private static void put(String apiVersion, Class<?>... kinds) {
            for (Class<?> k : kinds) {
                MODELS.put(apiVersion + " " + k.getSimpleName(), k);
            }
        }
    }

    // --- knobs -----------------------------------------------------------------------------------

    record Knobs(
            String namespace,
            String bootstrap,
            String image,
            String caSecret,
            String cluster,
            String user,
            String protocol) {}

    static String userOf(String overlay) {
        return overlay.startsWith("autoscaler") ? "trimtab-autoscaler" : "trimtab-" + overlay;
    }

    static void assertKnobs(List<JsonNode> objects, Knobs k) {
        assertThat(objects)
                .filteredOn(o -> o.path("kind").asText().equals("Namespace"))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.at("/metadata/name").asText()).isEqualTo(k.namespace());
                    assertThat(n.at("/metadata/labels/kubernetes.io~1metadata.name")
                                    .asText())
                            .isEqualTo(k.namespace());
                });
        for (JsonNode o : objects) {
            if (o.at("/metadata/namespace").isTextual()) {
                assertThat(o.at("/metadata/namespace").asText())
                        .as("namespace of %s", id(o))
                        .isEqualTo(k.namespace());
            }
            for (JsonNode s : o.path("subjects")) {
                if (s.path("kind").asText().equals("ServiceAccount")) {
                    assertThat(s.path("namespace").asText())
                            .as("subject of %s", id(o))
                            .isEqualTo(k.namespace());
                }
            }
            for (JsonNode w : o.path("webhooks")) {
                assertThat(w.at("/clientConfig/service/namespace").asText())
                        .as(id(o))
                        .isEqualTo(k.namespace());
                assertThat(w.at("/namespaceSelector/matchExpressions/0/values").toString())
                        .as(id(o))
                        .contains("\"" + k.namespace() + "\"");
            }
            if (o.path("kind").asText().equals("KafkaUser")) {
                assertThat(o.at("/metadata/labels/strimzi.io~1cluster").asText())
                        .as(id(o))
                        .isEqualTo(k.cluster());
            }
            if (o.path("kind").asText().equals("Certificate")) {
                assertThat(o.at("/spec/dnsNames/0").asText()).endsWith("." + k.namespace() + ".svc");
            }
            for (String path : List.of("/spec/bootstrapServers/0")) {
                if (o.at(path).isTextual()) {
                    assertThat(o.at(path).asText()).as(id(o)).isEqualTo(k.bootstrap());
                }
            }
        }
        List<JsonNode> workloads = workloads(objects);
        assertThat(workloads).as("the overlay's workloads").isNotEmpty();
        assertThat(objects)
                .extracting(o -> o.at("/metadata/name").asText())
                .as("the overlay's KafkaUser")
                .contains(k.user());
        for (JsonNode w : workloads) {
            Map<String, String> env = env(w);
            JsonNode container = w.at("/spec/template/spec/containers/0");
            assertThat(container.path("image").asText()).as(id(w)).isEqualTo(k.image());
            assertThat(env)
                    .as(id(w))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", k.bootstrap())
                    .containsEntry("TRIMTAB_KAFKA_SECURITY_PROTOCOL", k.protocol());
            Map<String, String> mounts = new HashMap<>();
            container
                    .path("volumeMounts")
                    .forEach(m -> mounts.put(
                            m.path("name").asText(), m.path("mountPath").asText()));
            assertThat(mounts)
                    .as(id(w))
                    .containsEntry("kafka-cluster-ca", "/etc/trimtab/kafka/cluster-ca")
                    .containsEntry("kafka-user", "/etc/trimtab/kafka/user");
            Map<String, JsonNode> volumes = new HashMap<>();
            w.at("/spec/template/spec/volumes")
                    .forEach(v -> volumes.put(v.path("name").asText(), v.path("secret")));
            assertThat(volumes.get("kafka-cluster-ca").path("secretName").asText())
                    .as(id(w))
                    .isEqualTo(k.caSecret());
            assertThat(volumes.get("kafka-cluster-ca").path("items").toString())
                    .isEqualTo("[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]");
            String userSecret = volumes.get("kafka-user").path("secretName").asText();
            assertThat(userSecret).as(id(w)).endsWith(k.user()).isNotEqualTo("trimtab-kafka-user");
            if (k.protocol().equals("SSL")) {
                assertThat(volumes.get("kafka-user").path("items").toString())
                        .as(id(w))
                        .isEqualTo(
                                "[{\"key\":\"user.crt\",\"path\":\"user.crt\"},{\"key\":\"user.key\",\"path\":\"user.key\"}]");
                assertThat(env).doesNotContainKey("TRIMTAB_KAFKA_SASL_USERNAME");
            } else {
                assertThat(volumes.get("kafka-user").path("items").toString())
                        .as(id(w))
                        .isEqualTo("[{\"key\":\"password\",\"path\":\"password\"}]");
                assertThat(env).containsEntry("TRIMTAB_KAFKA_SASL_USERNAME", k.user());
            }
        }
        String text = objects.toString();
        assertThat(text).as("no placeholder left").doesNotContain("trimtab-kafka-user", "trimtab-kafka-knative");
        assertThat(objects)
                .as("the knobs' ConfigMap is local-config, never applied")
                .noneMatch(o -> o.at("/metadata/name").asText().equals("trimtab-install"));
    }

    static List<JsonNode> workloads(List<JsonNode> objects) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals("Deployment")
                        || o.path("apiVersion").asText().startsWith("serving.knative.dev/"))
                .toList();
    }

    static Map<String, String> env(JsonNode workload) {
        Map<String, String> env = new HashMap<>();
        workload.at("/spec/template/spec/containers/0/env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    static String id(JsonNode o) {
        String ns = o.at("/metadata/namespace").asText("");
        return o.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/")
                + o.at("/metadata/name").asText();
    }

    static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static Optional<String> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }
}
