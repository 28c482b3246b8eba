package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.KafkaLag;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KEDA's Kafka scaler metadata table ({@code parseKafkaMetadataTestDataset}) and metric names,
 * carried over as data in {@code upstream/keda/kafka-metadata.jsonl} and {@code kafka-lag.json}:
 * each row's trigger metadata becomes a {@code type: Kafka} metric of a ScalingPolicy.
 */
class KafkaMetricUpstreamTest {
    /** KEDA's boolean metadata: "true"/"false" become JSON booleans, anything else stays a string. */
    private static final Set<String> BOOLEANS = Set.of(
            "allowIdleConsumers",
            "excludePersistentLag",
            "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions",
            "scaleToZeroOnInvalidOffset",
            "fullMetadata",
            "unsafeSsl");

    static Stream<Arguments> metadata() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in =
                KafkaMetricUpstreamTest.class.getResourceAsStream("/upstream/keda/kafka-metadata.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode r = Json.parse(line);
                    out.add(Arguments.of(r.get("i").asInt() + ": " + r.get("m"), r));
                }
            }
        }
        return out.stream();
    }

    static ObjectNode policy(JsonNode... metrics) {
        ObjectNode p = (ObjectNode) Json.parse("{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\","
                + "\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"w\"},\"minReplicas\":1,\"maxReplicas\":10}}");
        ArrayNode list = ((ObjectNode) p.get("spec")).putArray("metrics");
        for (JsonNode m : metrics) {
            list.add(m);
        }
        return p;
    }

    static JsonNode kafka(JsonNode kedaMetadata) {
        ObjectNode k = CloudEventCodec.JSON.createObjectNode();
        kedaMetadata.fields().forEachRemaining(e -> {
            String v = e.getValue().asText();
            if (BOOLEANS.contains(e.getKey()) && (v.equals("true") || v.equals("false"))) {
                k.put(e.getKey(), Boolean.parseBoolean(v));
            } else {
                k.put(e.getKey(), v);
            }
        });
        ObjectNode m = CloudEventCodec.JSON.createObjectNode();
        m.put("type", "Kafka");
        m.set("kafka", k);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metadata")
    void parsesTheMetadataAsKeda(String name, JsonNode row) {
        boolean error = row.has("trimtab")
                ? row.at("/trimtab/err").asBoolean()
                : row.get("err").asBoolean();
        ObjectNode policy = policy(kafka(row.get("m")));
        if (error) {
            assertThatThrownBy(() -> ScalingPolicyParser.parse(policy))
                    .isInstanceOf(InvalidObjectException.class)
                    .hasMessageContaining("spec.metrics[0].kafka");
            return;
        }
        ScalingPolicy p = ScalingPolicyParser.parse(policy);
        MetricSpec spec = p.spec().metrics().get(0);
        KafkaLag k = spec.kafka();
        Set<String> brokers = new TreeSet<>();
        row.get("brokers").forEach(b -> brokers.add(b.asText()));
        assertThat(k.bootstrapServers()).isEqualTo(brokers);
        assertThat(k.consumerGroup()).isEqualTo(row.get("group").asText());
        assertThat(k.topic())
                .isEqualTo(
                        row.get("topic").asText().isEmpty()
                                ? null
                                : row.get("topic").asText());
        if (row.get("pl").isNull()) {
            assertThat(k.partitionLimitation()).isNull();
        } else {
            TreeSet<Integer> ids = new TreeSet<>();
            row.get("pl").forEach(i -> ids.add(i.asInt()));
            assertThat(k.partitionLimitation().ids(10_000)).containsExactlyElementsOf(ids);
        }
        assertThat(k.offsetResetPolicy().name()).isEqualTo(row.get("pol").asText());
        assertThat(k.allowIdleConsumers()).isEqualTo(row.get("idle").asBoolean());
        assertThat(k.excludePersistentLag()).isEqualTo(row.get("excl").asBoolean());
        assertThat(k.limitToPartitionsWithLag()).isEqualTo(row.get("limit").asBoolean());
        assertThat(k.ensureEvenDistributionOfPartitions())
                .isEqualTo(row.get("even").asBoolean());
        JsonNode m = row.get("m");
        long threshold =
                m.has("lagThreshold") ? Long.parseLong(m.get("lagThreshold").asText()) : 10;
        long activation = m.has("activationLagThreshold")
                ? Long.parseLong(m.get("activationLagThreshold").asText())
                : 0;
        assertThat(k.lagThreshold()).isEqualTo(threshold);
        assertThat(k.activationLagThreshold()).isEqualTo(activation);
        assertThat(spec.type()).isEqualTo(MetricSpec.Type.External);
        assertThat(spec.target()).isEqualTo(MetricSpec.Target.averageValue(threshold * 1000));
        assertThat(spec.activationMilli()).isEqualTo(activation * 1000);
    }

    static Stream<Arguments> metricNames() {
        JsonNode all = Json.resource("/upstream/keda/kafka-lag.json");
        List<Arguments> out = new ArrayList<>();
        all.get("metricNames").forEach(r -> out.add(Arguments.of(r.get("name").asText(), r)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metricNames")
    void namesTheMetricAsKeda(String expected, JsonNode row) throws IOException {
        JsonNode m;
        if (row.get("metadataRow").isNull()) {
            m = Json.parse("{\"bootstrapServers\":\"b:9092\",\"consumerGroup\":\""
                    + row.get("group").asText() + "\",\"topic\":\""
                    + row.get("topic").asText() + "\"}");
        } else {
            m = metadata()
                    .map(a -> (JsonNode) a.get()[1])
                    .filter(r -> r.get("i").asInt() == row.get("metadataRow").asInt())
                    .findFirst()
                    .orElseThrow()
                    .get("m");
        }
        List<JsonNode> metrics = new ArrayList<>();
        for (int i = 0; i < row.get("index").asInt(); i++) {
            metrics.add(Json.parse("{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                    + "{\"type\":\"Utilization\",\"averageUtilization\":50}}}"));
        }
        metrics.add(kafka(m));
        ScalingPolicy p = ScalingPolicyParser.parse(policy(metrics.toArray(JsonNode[]::new)));
        assertThat(p.spec().metrics().get(row.get("index").asInt()).metricName())
                .isEqualTo(expected);
    }

    @Test
    void typedValuesAndKedaStringsBothParse() {
        ScalingPolicy typed = ScalingPolicyParser.parse(
                policy(
                        Json.parse(
                                "{\"type\":\"Kafka\",\"kafka\":{"
                                        + "\"bootstrapServers\":\" Kafka-0.kafka:9092 , kafka-1.kafka:9092\",\"consumerGroup\":\"g\","
                                        + "\"topic\":\"orders\",\"lagThreshold\":50,\"activationLagThreshold\":5,\"offsetResetPolicy\":"
                                        + "\"earliest\",\"excludePersistentLag\":true,\"partitionLimitation\":\"0-3,7\",\"metricType\":\"Value\"}}")));
        KafkaLag k = typed.spec().metrics().get(0).kafka();
        assertThat(k.bootstrapServers()).containsExactly("kafka-0.kafka:9092", "kafka-1.kafka:9092");
        assertThat(k.sameCluster("kafka-1.kafka:9092,KAFKA-0.kafka:9092")).isTrue();
        assertThat(k.sameCluster("kafka-1.kafka:9092")).isFalse();
        assertThat(k.partitionLimitation().ids(100)).containsExactly(0, 1, 2, 3, 7);
        assertThat(typed.spec().metrics().get(0).target()).isEqualTo(MetricSpec.Target.value(50_000));
        ScalingPolicy strings = ScalingPolicyParser.parse(
                policy(
                        Json.parse(
                                "{\"type\":\"Kafka\",\"kafka\":{"
                                        + "\"bootstrapServers\":\"kafka-0.kafka:9092,kafka-1.kafka:9092\",\"consumerGroup\":\"g\","
                                        + "\"topic\":\"orders\",\"lagThreshold\":\"50\",\"activationLagThreshold\":\"5\",\"offsetResetPolicy\":"
                                        + "\"earliest\",\"excludePersistentLag\":true,\"partitionLimitation\":\"0-3,7\",\"metricType\":\"Value\"}}")));
        assertThat(strings.spec()).isEqualTo(typed.spec());
    }

    @Test
    void everyInvalidFieldIsNamedWithItsValue() {
        ObjectNode p = policy(Json.parse("{\"type\":\"Kafka\",\"kafka\":{\"bootstrapServers\":\"kafka:99999,:9092\","
                + "\"consumerGroup\":\"\",\"topic\":\"a b\",\"lagThreshold\":\"9223372036854776\","
                + "\"activationLagThreshold\":-1,\"offsetResetPolicy\":\"none\",\"allowIdleConsumers\":\"yes\","
                + "\"partitionLimitation\":\"1-x\",\"metricType\":\"Utilization\",\"sasl\":\"plaintext\","
                + "\"password\":\"s3cret\",\"fullMetadata\":false,\"colour\":\"red\"}}"));
        assertThatThrownBy(() -> ScalingPolicyParser.parse(p))
                .isInstanceOf(InvalidObjectException.class)
                .satisfies(
                        e -> assertThat(((InvalidObjectException) e).problems())
                                .containsExactlyInAnyOrder(
                                        "spec.metrics[0].kafka.sasl: got KEDA's authentication setting sasl, authentication and TLS are "
                                                + "not part of a Kafka metric: Trimtab's lag source connects with Trimtab's own Kafka "
                                                + "credentials (trimtab.kafka.*); remove it",
                                        "spec.metrics[0].kafka.password: got KEDA's authentication setting password, authentication and "
                                                + "TLS are not part of a Kafka metric: Trimtab's lag source connects with Trimtab's own "
                                                + "Kafka credentials (trimtab.kafka.*); remove it",
                                        "spec.metrics[0].kafka.fullMetadata: got KEDA's client setting fullMetadata, not part of a Kafka "
                                                + "metric: Trimtab's lag source uses its own Kafka client; remove it",
                                        "spec.metrics[0].kafka.colour: got an unknown field, expected one of "
                                                + known(),
                                        "spec.metrics[0].kafka.bootstrapServers: got \"kafka:99999\", must be host:port with a port in [1, 65535]",
                                        "spec.metrics[0].kafka.bootstrapServers: got \":9092\", must be host:port, such as kafka-0.kafka:9092",
                                        "spec.metrics[0].kafka.consumerGroup: got \"\", must be a non-empty string",
                                        "spec.metrics[0].kafka.topic: got \"a b\", must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), "
                                                + "or absent for every topic the group commits to",
                                        "spec.metrics[0].kafka.lagThreshold: got \"9223372036854776\", must be at most 9223372036854775 "
                                                + "(its milli-units must fit a 64-bit integer)",
                                        "spec.metrics[0].kafka.activationLagThreshold: got -1, \"activationLagThreshold\" must be a "
                                                + "non-negative number",
                                        "spec.metrics[0].kafka.offsetResetPolicy: got \"none\", must be one of [latest, earliest]",
                                        "spec.metrics[0].kafka.allowIdleConsumers: got \"yes\", must be true or false",
                                        "spec.metrics[0].kafka.partitionLimitation: got \"1-x\", invalid partition limitation: 1-x "
                                                + "(write partition ids and ranges such as \"1,2,10-20\")",
                                        "spec.metrics[0].kafka.metricType: got \"Utilization\", must be AverageValue (the default) or Value"))
                .hasMessageNotContaining("s3cret");
    }

    private static String known() {
        return new TreeSet<>(List.of(
                        "bootstrapServers",
                        "consumerGroup",
                        "topic",
                        "lagThreshold",
                        "activationLagThreshold",
                        "offsetResetPolicy",
                        "allowIdleConsumers",
                        "limitToPartitionsWithLag",
                        "ensureEvenDistributionOfPartitions",
                        "excludePersistentLag",
                        "scaleToZeroOnInvalidOffset",
                        "partitionLimitation",
                        "metricType",
                        "pollingInterval"))
                .toString();
    }

    @Test
    void scaleToZeroAcceptsAKafkaMetric() {
        ObjectNode p = policy(Json.parse(
                "{\"type\":\"Kafka\",\"kafka\":{\"bootstrapServers\":\"k:9092\"," + "\"consumerGroup\":\"g\"}}"));
        ((ObjectNode) p.get("spec")).put("minReplicas", 0);
        assertThat(ScalingPolicyParser.parse(p).spec().minReplicas()).isZero();
    }
}
