package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.observe.PromQl;
import dev.trimtab.observe.Scrape;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.RemoteWriteBodies;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees, on the running application (embedded broker, mock API server in CRUD
 * mode): HELP on every {@code trimtab_*} family of {@code /q/metrics}; the per-ScalingPolicy
 * gauges, and their removal with the policy; Events on the ScalingPolicy with its uid; the
 * dashboard's queries naming only exported metrics; {@code /q/openapi} describing the endpoints.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class ObservabilityTest extends LiveFixture {
    static final Path DASHBOARD = Path.of("k8s-manifests/monitoring/dashboards/trimtab.json");

    /** One workload scaled, a bad push event rejected, one admission review each way: most meters exist. */
    private static volatile boolean exercised;

    private synchronized void exercise() throws Exception {
        if (exercised) {
            return;
        }
        String key = workload("observed", "web");
        structured("trimtab.metrics", key, cpu("observed", "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas("observed", "web") == 4);
        given().contentType("application/cloudevents+json")
                .body("{}")
                .when()
                .post("/")
                .then()
                .statusCode(400);
        // a remote-write request whose one series no policy reads: the receiver's meters exist
        given().header("Content-Encoding", "snappy")
                .contentType("application/x-protobuf")
                .body(RemoteWriteBodies.snappy(List.of(RemoteWriteBodies.TimeSeries.of(
                        "up", Map.of("job", "observed"), 1, System.currentTimeMillis()))))
                .post("/api/v1/write")
                .then()
                .statusCode(204);
        String review = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"))
                .get(0);
        given().contentType("application/json")
                .body(review)
                .post("/admission/validate")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body(review)
                .post("/admission/mutate")
                .then()
                .statusCode(200);
        exercised = true;
    }

    /** {@code /q/metrics}, also kept as target/observability/metrics.txt for a look after the run. */
    private static Scrape scrape() throws IOException {
        String text = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Files.createDirectories(Path.of("target/observability"));
        Files.writeString(Path.of("target/observability/metrics.txt"), text);
        return Scrape.parse(text);
    }

    @Test
    void everyTrimtabFamilyHasHelp() throws Exception {
        exercise();
        Scrape s = scrape();
        TreeSet<String> families = new TreeSet<>(s.families("trimtab_"));
        assertThat(families)
                .as("trimtab families scraped")
                .hasSizeGreaterThan(10)
                .contains(
                        "trimtab_autoscaler_decisions",
                        "trimtab_autoscaler_policy_desired_replicas",
                        "trimtab_policy_admission_seconds");
        List<String> missing = new ArrayList<>();
        for (String f : families) {
            if (s.help().getOrDefault(f, "").isBlank()) {
                missing.add(f);
            }
        }
        assertThat(missing).as("trimtab families without a non-empty # HELP").isEmpty();
    }

    @Test
    void aScalingPolicyHasGaugesWhileItExistsAndNoneOnceDeleted() throws Exception {
        String ns = "gauged" + System.nanoTime();
        String key = workload(ns, "web");
        structured("trimtab.metrics", key, cpu(ns, "web", 450)); // 90 % of request against 50 %
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
        String policy = "namespace=\"" + ns + "\",scalingpolicy=\"web\"";
        String metric = "metric_name=\"cpu\",metric_type=\"Resource\",namespace=\"" + ns
                + "\",scalingpolicy=\"web\",target_type=\"Utilization\"";
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(series(ns))
                        .containsEntry("trimtab_autoscaler_policy_current_replicas{" + policy + "}", 4.0)
                        .containsEntry("trimtab_autoscaler_policy_desired_replicas{" + policy + "}", 4.0)
                        .containsEntry("trimtab_autoscaler_policy_metric_value{" + metric + "}", 90.0)
                        .containsEntry("trimtab_autoscaler_policy_metric_target{" + metric + "}", 50.0));

        structured(
                "trimtab.cluster-events",
                key,
                event(
                        "dev.knative.apiserver.resource.delete",
                        Instant.now(),
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"web\","
                                + "\"namespace\":\"" + ns
                                + "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\","
                                + "\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":10}}"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(series(ns)).isEmpty());
    }

    /** The samples of {@code /q/metrics} that name the namespace, as {@code name{labels}} to value. */
    private static Map<String, Double> series(String ns) {
        Map<String, Double> out = new TreeMap<>();
        for (String line :
                given().when().get("/q/metrics").then().extract().asString().split("\n")) {
            if (line.startsWith("trimtab_autoscaler_policy_") && line.contains("namespace=\"" + ns + "\"")) {
                int space = line.lastIndexOf(' ');
                out.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return out;
    }

    @Test
    void rescalesAreEventsOnTheScalingPolicyWithItsUid() throws Exception {
        String ns = "described" + System.nanoTime();
        String key = workload(ns, "web");
        structured("trimtab.metrics", key, cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
        String uid = client.genericKubernetesResources(POLICIES)
                .inNamespace(ns)
                .withName("web")
                .get()
                .getMetadata()
                .getUid();
        assertThat(uid).isNotBlank();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> policyEvents(ns).stream().anyMatch(e -> "SuccessfulRescale".equals(e.getReason())));
        // before its first sample the policy had no metrics: a Warning, as the HPA's FailedGetResourceMetric
        assertThat(policyEvents(ns))
                .filteredOn(e -> "FailedGetMetrics".equals(e.getReason()))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
                });
        Event e = policyEvents(ns).stream()
                .filter(x -> "SuccessfulRescale".equals(x.getReason()))
                .findFirst()
                .orElseThrow();
        assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
        assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("trimtab.dev/v1alpha1");
        assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
        assertThat(e.getReason()).isEqualTo("SuccessfulRescale");
        assertThat(e.getType()).isEqualTo("Normal");
        assertThat(e.getCount()).isEqualTo(1);
        assertThat(e.getMessage())
                .isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request)" + " above target");
        assertThat(e.getSource().getComponent()).isEqualTo("trimtab-autoscaler");
    }

    private List<Event> policyEvents(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "ScalingPolicy".equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    @Test
    void everyDashboardQueryNamesAnExportedMetric() throws Exception {
        exercise();
        Scrape s = scrape();
        JsonNode dashboard = CloudEventCodec.JSON.readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        collect(dashboard.path("panels"), expressions);
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String q = v.path("query").isObject()
                    ? v.path("query").path("query").asText()
                    : v.path("query").asText();
            Matcher m = Pattern.compile("label_values\\(\\s*([^,)]+)").matcher(q);
            if (m.find()) {
                expressions.add(m.group(1));
            }
        }
        assertThat(expressions).as("queries in the dashboard").hasSizeGreaterThan(8);
        Map<String, String> unknown = new TreeMap<>();
        int names = 0;
        for (String expr : expressions) {
            for (String name : PromQl.metricNames(expr)) {
                names++;
                if (!s.exports(name)) {
                    unknown.put(name, expr);
                }
            }
        }
        assertThat(names).as("metric names found in the queries").isGreaterThan(expressions.size() - 1);
        assertThat(unknown)
                .as("metric names in the dashboard that /q/metrics does not export")
                .isEmpty();
    }

    private static void collect(JsonNode panels, List<String> into) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    into.add(t.get("expr").asText());
                }
            }
            collect(p.path("panels"), into);
        }
    }

    @Test
    void openApiDescribesThePushAdmissionAndQueryEndpoints() throws Exception {
        JsonNode api = CloudEventCodec.JSON.readTree(given().accept("application/json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        JsonNode paths = api.path("paths");
        Map<String, String> operations = Map.of(
                "/",
                "post",
                "/admission/validate",
                "post",
                "/admission/mutate",
                "post",
                "/rbac/can-i",
                "get",
                "/rbac/who-can",
                "get",
                "/rbac/escalations",
                "get",
                "/network/can-reach",
                "get",
                "/network/matrix",
                "get");
        operations.forEach((path, method) -> {
            JsonNode op = paths.path(path).path(method);
            assertThat(op.isMissingNode())
                    .as(method + " " + path + " in /q/openapi")
                    .isFalse();
            assertThat(op.path("summary").asText()).as("summary of " + path).isNotBlank();
            assertThat(op.path("description").asText())
                    .as("description of " + path)
                    .hasSizeGreaterThan(30);
        });
        assertThat(paths.path("/rbac/can-i").path("get").path("parameters").toString())
                .contains("\"as\"", "namespace");
        assertThat(api.path("info").path("title").asText()).isEqualTo("Trimtab");
    }
}
