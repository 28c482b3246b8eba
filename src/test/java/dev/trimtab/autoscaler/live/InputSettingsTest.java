package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.input.InputLimits;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code trimtab.autoscaler.input.*} reaches the decoder and the fold. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(InputSettingsTest.Tight.class)
class InputSettingsTest extends LiveFixture {

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trimtab.autoscaler.input.max-list-items",
                    "1",
                    "trimtab.autoscaler.input.max-event-bytes",
                    "2000",
                    "trimtab.autoscaler.input.max-clock-skew",
                    "1m");
        }
    }

    @Test
    void theConfiguredLimitsApply() {
        InputLimits d = InputLimits.defaults();
        assertThat(engine.limits())
                .isEqualTo(new InputLimits(
                        2000,
                        d.maxDepth(),
                        1,
                        d.maxContainers(),
                        d.maxResources(),
                        d.maxLabels(),
                        d.maxLabelLength(),
                        Duration.ofMinutes(1)));
    }

    @Test
    void aListOverTheConfiguredCountIsRefusedNamingTheLimit() {
        given().contentType("application/cloudevents+json")
                .body(cpu("limits", "web", 100)) // two items
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body(containsString("items: got 2 items, at most 1 are accepted (max-list-items)"));
        String big = event("dev.trimtab.metrics", Instant.now(), "{\"pad\":\"" + "x".repeat(3000) + "\"}");
        given().contentType("application/cloudevents+json")
                .body(big)
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body(containsString("more than the 2000 accepted (max-event-bytes)"));
    }
}
