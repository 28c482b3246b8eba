package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KEDA's initial cooldown counts from the ScaledObject's creationTimestamp, with a strict
 * comparison, whether or not its target existed then (kedacore/keda
 * pkg/scaling/executor/scale_scaledobjects.go scaleToZeroOrIdle: {@code LastActiveTime == nil &&
 * CreationTimestamp.Add(initialCooldownPeriod).Before(now)}). Here: the ScalingPolicy's
 * creationTimestamp, or when it was first seen without one. Issue 19 item 5.
 */
class InitialCooldownTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String event(int id, String type, String time, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e" + id + "\",\"source\":\"test\",\"type\":\"" + type
                + "\",\"time\":\"" + time + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}\n";
    }

    private static String trace(String creationTimestamp, int initialCooldownSeconds) {
        String add = "dev.knative.apiserver.resource.add";
        String created = creationTimestamp.isEmpty() ? "" : ",\"creationTimestamp\":\"" + creationTimestamp + "\"";
        String policy =
                "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"worker\","
                        + "\"namespace\":\"shop\"" + created
                        + "},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\","
                        + "\"kind\":\"Deployment\",\"name\":\"worker\"},\"minReplicas\":0,\"maxReplicas\":10,"
                        + "\"scaleToZero\":{\"cooldownSeconds\":300,\"initialCooldownSeconds\":"
                        + initialCooldownSeconds + "},"
                        + "\"metrics\":[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue\"},"
                        + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"10\"}}}]}}";
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"worker\","
                + "\"namespace\":\"shop\",\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":"
                + "{\"app\":\"worker\"}}},\"status\":{\"replicas\":1}}";
        StringBuilder t = new StringBuilder();
        // the policy arrives at 12:00:00, its Deployment 10 s later; the queue is empty from 12:00:11
        t.append(event(1, add, "2026-11-01T12:00:00Z", policy));
        t.append(event(2, add, "2026-11-01T12:00:10Z", deployment));
        int id = 3;
        for (String time : List.of("2026-11-01T12:00:11Z", "2026-11-01T12:00:25Z", "2026-11-01T12:00:31Z")) {
            t.append(event(
                    id++,
                    "dev.trimtab.metric",
                    time,
                    "{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\","
                            + "\"kind\":\"ExternalMetricValue\",\"metricName\":\"queue\",\"metricLabels\":{},\"timestamp\":\""
                            + time + "\",\"value\":\"0\",\"metadata\":{\"namespace\":\"shop\"}}"));
        }
        return t.toString();
    }

    @ParameterizedTest(name = "creationTimestamp \"{0}\", initialCooldownSeconds {1}: desired {2}")
    @CsvSource(
            delimiter = ';',
            value = {
                // creationTimestamp     ; initial cooldown ; desired at 12:00:11, 12:00:25, 12:00:31
                "2026-11-01T12:00:00Z    ; 0                ; 0 0 0",
                "''                      ; 0                ; 0 0 0",
                "2026-11-01T12:00:00Z    ; 30               ; 1 1 0",
                "''                      ; 30               ; 1 1 0",
                // created long before it reached Trimtab: KEDA's clock, not the arrival, counts
                "2026-11-01T11:00:00Z    ; 30               ; 0 0 0",
                // the comparison is strict: 12:00:00 + 25 s is not before 12:00:25
                "2026-11-01T12:00:00Z    ; 25               ; 1 1 0",
            })
    void theInitialCooldownCountsFromThePolicysCreation(String created, int cooldown, String expected)
            throws Exception {
        ReplayTest.Run run = ReplayTest.replay(trace(created, cooldown).getBytes(StandardCharsets.UTF_8), "-");
        assertThat(run.status()).as(run.err()).isZero();
        List<String> desired = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            JsonNode d = JSON.readTree(line).path("data");
            if (d.path("currentReplicas").isInt()
                    && d.path("rescale").isBoolean()
                    && JSON.readTree(line).path("time").asText().compareTo("2026-11-01T12:00:11Z") >= 0) {
                desired.add(d.path("desiredReplicas").asText());
            }
        }
        assertThat(String.join(" ", desired)).as(run.out()).isEqualTo(expected);
    }
}
