package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Knative push mode over HTTP gives the same decision as the Kafka path, and answers with
 * Knative's delivery codes. Also checks /q/metrics and /q/health.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class PushEndpointTest extends LiveFixture {
    @Test
    void binaryAndStructuredEventsOverHttpScaleLikeKafka() throws Exception {
        workload("shop", "push");
        JsonNode e = CloudEventCodec.JSON.readTree(cpu("shop", "push", 450));
        given().header("ce-specversion", "1.0")
                .header("ce-id", "h-1")
                .header("ce-source", "/test")
                .header("ce-type", "dev.trimtab.metrics")
                .header("ce-time", e.get("time").asText())
                .contentType("application/json")
                .body(e.get("data").toString())
                .when()
                .post("/")
                .then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas("shop", "push") == 4);

        given().contentType("application/cloudevents+json")
                .body(cpu("shop", "push", 450))
                .when()
                .post("/")
                .then()
                .statusCode(202);
        assertThat(replicas("shop", "push"))
                .as("90% on 4 pods' worth of demand: the same 4")
                .isEqualTo(4);
    }

    @Test
    void anEventThatCanNeverSucceedIs400() {
        given().contentType("application/cloudevents+json")
                .body("{\"specversion\":\"1.0\"}")
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body(containsString("required attribute \"id\" is missing"));
        given().header("ce-specversion", "1.0")
                .header("ce-id", "x")
                .header("ce-source", "/t")
                .header("ce-type", "t")
                .contentType("application/json")
                .body("{\"apiVersion\":\"v9\",\"kind\":\"Thing\"}")
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body(containsString("is not an event the autoscaler reads"));
    }

    @Test
    void metricsAndHealthAreServed() throws Exception {
        workload("shop", "observed");
        given().contentType("application/cloudevents+json")
                .body(cpu("shop", "observed", 450))
                .when()
                .post("/")
                .then()
                .statusCode(202);
        given().contentType("application/cloudevents+json")
                .body("{}")
                .when()
                .post("/")
                .then()
                .statusCode(400);
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(
                        containsString("trimtab_autoscaler_events_total{channel=\"http\",result=\"rejected\"}"),
                        containsString("trimtab_autoscaler_event_to_decision_seconds_bucket"),
                        containsString("trimtab_autoscaler_event_to_write_seconds_bucket"),
                        containsString("trimtab_autoscaler_decisions_total{reason="),
                        containsString("trimtab_autoscaler_writes_total{code=\"200\"}"),
                        containsString("kafka_consumer_fetch_manager_records_lag"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(containsString("kubernetes-api"), containsString("Kafka connection health check"));
    }
}
