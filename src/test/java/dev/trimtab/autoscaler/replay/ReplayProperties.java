package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.testing.Seeded;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replay is a function of its input: the same trace gives the same bytes, run after run. */
class ReplayProperties {
    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");

    /** A metric step: wait, then the queue has {@code depth} messages and each pod uses {@code cpu} millicores. */
    record Step(int seconds, int depth, int cpu) {}

    static List<Step> steps(Seeded.Gen g) {
        return g.list(0, 40, r -> new Step(r.between(0, 90), r.between(0, 500), r.between(0, 1500)));
    }

    static String trace(List<Step> steps) {
        return trace(steps, true);
    }

    /** Without panic mode, decisions go through the stabilization windows and rate policies. */
    static String trace(List<Step> steps, boolean panic) {
        StringBuilder sb = new StringBuilder();
        sb.append(line(
                T0,
                "dev.knative.apiserver.resource.add",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                        + "\"metadata\":{\"name\":\"w\",\"namespace\":\"ns\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":"
                        + "{\"app\":\"w\"}}}}"));
        for (int i = 0; i < 3; i++) {
            sb.append(line(
                    T0,
                    "dev.knative.apiserver.resource.add",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                            + "{\"name\":\"w-" + i
                            + "\",\"namespace\":\"ns\",\"labels\":{\"app\":\"w\"}},\"spec\":{\"containers\":"
                            + "[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},\"status\":{\"phase\":\"Running\","
                            + "\"startTime\":\"2026-11-01T11:00:00Z\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                            + "\"lastTransitionTime\":\"2026-11-01T11:00:05Z\"}]}}"));
        }
        sb.append(line(
                T0,
                "dev.knative.apiserver.resource.add",
                "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":"
                        + "\"ScalingPolicy\",\"metadata\":{\"name\":\"w\",\"namespace\":\"ns\"},\"spec\":{\"scaleTargetRef\":"
                        + "{\"kind\":\"Deployment\",\"name\":\"w\"},\"minReplicas\":0,\"maxReplicas\":30,\"metrics\":["
                        + "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":60}}},"
                        + "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"depth\"},\"target\":{\"type\":\"AverageValue\","
                        + "\"averageValue\":\"20\"},\"activationThreshold\":\"3\"}}],\"behavior\":{\"scaleDown\":"
                        + "{\"stabilizationWindowSeconds\":30}},\"fallback\":{\"failureThreshold\":1,\"replicas\":4}"
                        + (panic ? ",\"panic\":{\"stableWindowSeconds\":30}" : "") + "}}"));
        Instant t = T0;
        for (Step s : steps) {
            t = t.plusSeconds(s.seconds());
            sb.append(line(
                    t,
                    "m",
                    "{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\",\"kind\":\"ExternalMetricValueList\","
                            + "\"items\":[{\"metricName\":\"depth\",\"metricLabels\":{},\"value\":\"" + s.depth()
                            + "\"}]}"));
            sb.append(line(
                    t,
                    "m",
                    "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":["
                            + "{\"metadata\":{\"name\":\"w-0\",\"namespace\":\"ns\"},\"containers\":[{\"name\":\"c\",\"usage\":{\"cpu\":\""
                            + s.cpu()
                            + "m\"}}]},{\"metadata\":{\"name\":\"w-1\",\"namespace\":\"ns\"},\"containers\":[{\"name\":\"c\","
                            + "\"usage\":{\"cpu\":\"" + (s.cpu() / 2) + "m\"}}]}]}"));
        }
        return sb.toString();
    }

    private static String line(Instant t, String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"p\",\"type\":\"" + type + "\",\"time\":\"" + t
                + "\",\"data\":" + data + "}\n";
    }

    static String replay(String trace) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rejected = new ReplayCommand.Replay(
                        Settings.defaults(),
                        Duration.ofSeconds(15),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new BufferedReader(new StringReader(trace)));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(rejected).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sameTraceSameBytes() {
        Seeded.forAll(100, g -> sameTraceSameBytes(steps(g)));
    }

    private static void sameTraceSameBytes(List<Step> steps) throws IOException {
        String trace = trace(steps);
        String first = replay(trace);
        assertThat(replay(trace)).isEqualTo(first);
        assertThat(first.lines().count()).isGreaterThanOrEqualTo(1 + steps.size());
        first.lines().forEach(l -> assertThat(l).contains("\"desiredReplicas\":"));
    }
}
