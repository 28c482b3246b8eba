package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.KafkaLag;
import dev.trimtab.autoscaler.core.MetricSpec;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code metrics[i]: {type: Kafka, kafka: {...}}}: KEDA's Kafka scaler trigger metadata
 * (kedacore/keda {@code pkg/scalers/kafka_scaler.go} at 8b4f083) with its defaults and its
 * validation, plus the trigger's {@code metricType}, as the External metric KEDA gives its HPA
 * ({@code s<i>-kafka-<topic>}, or {@code s<i>-kafka-<group>-topics}). Numbers are JSON integers
 * or KEDA's decimal strings ({@code "10"}); booleans are JSON booleans (the CRD types them).
 * The connection settings of KEDA's scaler (SASL, TLS, credentials, {@code version},
 * {@code fullMetadata}) are refused: the lag source connects with Trimtab's own Kafka settings.
 */
final class KafkaMetricParser {
    static final String TYPE = "Kafka";
    private static final Set<String> FIELDS = Set.of(
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
            "pollingInterval");
    /** KEDA's authentication and TLS parameters (trigger metadata or TriggerAuthentication). */
    private static final Set<String> AUTH_FIELDS = Set.of(
            "sasl",
            "tls",
            "username",
            "password",
            "ca",
            "cert",
            "key",
            "keyPassword",
            "unsafeSsl",
            "saslTokenProvider",
            "scopes",
            "oauthTokenEndpointUri",
            "oauthExtensions",
            "keytab",
            "realm",
            "kerberosConfig",
            "kerberosServiceName",
            "kerberosDisableFAST",
            "awsRegion",
            "awsAccessKeyID",
            "awsSecretAccessKey",
            "awsRoleArn",
            "authenticationRef");
    /** KEDA's Kafka client settings. */
    private static final Set<String> CLIENT_FIELDS = Set.of("version", "fullMetadata");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?|\\[[0-9A-Fa-f:.]{2,45}]");
    /** KEDA reads its int64 metadata as a JSON integer: no sign "+", no leading zero, no fraction. */
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

    private KafkaMetricParser() {}

    /** Parses {@code metrics[index].kafka} ({@code sp} its path); null when invalid (the problems are in {@code f}). */
    static MetricSpec parse(JsonNode source, String sp, int index, Fields f) {
        refuseUnknownAndConnectionSettings(source, sp, f);
        String servers = f.string(source, "bootstrapServers", sp + ".bootstrapServers", true);
        Set<String> serverSet = servers == null ? null : servers(servers, sp + ".bootstrapServers", f);
        String group = f.string(source, "consumerGroup", sp + ".consumerGroup", true);
        if (group != null && group.length() > KafkaOffsetEvents.MAX_GROUP_LENGTH) {
            f.problem(
                    sp + ".consumerGroup",
                    "\"" + group + "\"",
                    "must be at most " + KafkaOffsetEvents.MAX_GROUP_LENGTH + " characters");
            group = null;
        }
        String topic = f.string(source, "topic", sp + ".topic", false);
        if (topic != null
                && !topic.isEmpty()
                && (!KafkaOffsetEvents.TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals(".."))) {
            f.problem(
                    sp + ".topic",
                    "\"" + topic + "\"",
                    "must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), "
                            + "or absent for every topic the group commits to");
        }
        boolean hasTopic = topic != null && !topic.isEmpty();
        Long threshold = integer(source, "lagThreshold", sp, KafkaLag.DEFAULT_LAG_THRESHOLD, f);
        if (threshold != null && threshold <= 0) {
            f.problem(sp + ".lagThreshold", source.get("lagThreshold"), "\"lagThreshold\" must be positive number");
            threshold = null;
        } else if (threshold != null && threshold > KafkaLag.MAX_THRESHOLD) {
            f.problem(
                    sp + ".lagThreshold",
                    source.get("lagThreshold"),
                    "must be at most " + KafkaLag.MAX_THRESHOLD + " (its milli-units must fit a 64-bit integer)");
            threshold = null;
        }
        Long activation = integer(source, "activationLagThreshold", sp, KafkaLag.DEFAULT_ACTIVATION_LAG_THRESHOLD, f);
        if (activation != null && activation < 0) {
            f.problem(
                    sp + ".activationLagThreshold",
                    source.get("activationLagThreshold"),
                    "\"activationLagThreshold\" must be a non-negative number");
            activation = null;
        } else if (activation != null && activation > KafkaLag.MAX_THRESHOLD) {
            f.problem(
                    sp + ".activationLagThreshold",
                    source.get("activationLagThreshold"),
                    "must be at most " + KafkaLag.MAX_THRESHOLD + " (its milli-units must fit a 64-bit integer)");
            activation = null;
        }
        KafkaLag.OffsetResetPolicy reset = f.enumValue(
                source,
                "offsetResetPolicy",
                sp + ".offsetResetPolicy",
                KafkaLag.OffsetResetPolicy.class,
                KafkaLag.OffsetResetPolicy.latest);
        boolean idle = f.bool(source, "allowIdleConsumers", sp + ".allowIdleConsumers", false);
        boolean withLag = f.bool(source, "limitToPartitionsWithLag", sp + ".limitToPartitionsWithLag", false);
        boolean even =
                f.bool(source, "ensureEvenDistributionOfPartitions", sp + ".ensureEvenDistributionOfPartitions", false);
        boolean persistent = f.bool(source, "excludePersistentLag", sp + ".excludePersistentLag", false);
        boolean invalidToZero = f.bool(source, "scaleToZeroOnInvalidOffset", sp + ".scaleToZeroOnInvalidOffset", false);
        KafkaLag.PartitionLimitation limitation = null;
        String limitText = f.string(source, "partitionLimitation", sp + ".partitionLimitation", false);
        if (limitText != null) {
            try {
                limitation = KafkaLag.PartitionLimitation.parse(limitText);
            } catch (IllegalArgumentException e) {
                f.problem(
                        sp + ".partitionLimitation",
                        "\"" + limitText + "\"",
                        e.getMessage() + " (write partition ids and ranges such as \"1,2,10-20\")");
            }
        }
        if (idle && withLag) {
            f.problem(
                    sp + ".limitToPartitionsWithLag",
                    "true with allowIdleConsumers true",
                    "allowIdleConsumers and limitToPartitionsWithLag cannot be set simultaneously");
        }
        if (!hasTopic && withLag) {
            f.problem(sp + ".topic", null, "topic must be specified when using limitToPartitionsWithLag");
        }
        if (withLag && even) {
            f.problem(
                    sp + ".ensureEvenDistributionOfPartitions",
                    "true with limitToPartitionsWithLag true",
                    "limitToPartitionsWithLag and ensureEvenDistributionOfPartitions cannot be set simultaneously");
        }
        if (!hasTopic && even) {
            f.problem(sp + ".topic", null, "topic must be specified when using ensureEvenDistributionOfPartitions");
        }
        // KEDA's ScaledObject pollingInterval: the span excludePersistentLag compares across
        int polling = f.integer(
                source,
                "pollingInterval",
                sp + ".pollingInterval",
                KafkaLag.DEFAULT_POLLING_INTERVAL_SECONDS,
                1,
                86_400);
        String type = f.string(source, "metricType", sp + ".metricType", false);
        if (type != null && !type.equals("AverageValue") && !type.equals("Value")) {
            f.problem(sp + ".metricType", "\"" + type + "\"", "must be AverageValue (the default) or Value");
        }
        if (serverSet == null || group == null || threshold == null || activation == null) {
            return null;
        }
        KafkaLag lag = new KafkaLag(
                serverSet,
                group,
                topic,
                threshold,
                activation,
                reset,
                idle,
                withLag,
                even,
                persistent,
                invalidToZero,
                limitation,
                polling);
        MetricSpec.Target target = "Value".equals(type)
                ? MetricSpec.Target.value(threshold * 1000)
                : MetricSpec.Target.averageValue(threshold * 1000);
        return MetricSpec.external(lag.metricName(index), null, target)
                .withActivation(activation * 1000)
                .withKafka(lag);
    }

    private static void refuseUnknownAndConnectionSettings(JsonNode source, String sp, Fields f) {
        for (Iterator<String> it = source.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (FIELDS.contains(name)) {
                continue;
            }
            if (!AUTH_FIELDS.contains(name) && !CLIENT_FIELDS.contains(name)) {
                f.problem(sp + "." + name, "an unknown field", "expected one of " + new TreeSet<>(FIELDS));
            } else if (AUTH_FIELDS.contains(name)) {
                f.problem(
                        sp + "." + name,
                        "KEDA's authentication setting " + name,
                        "authentication and TLS are not part of a Kafka metric: Trimtab's lag source connects "
                                + "with Trimtab's own Kafka credentials (trimtab.kafka.*); remove it");
            } else if (CLIENT_FIELDS.contains(name)) {
                f.problem(
                        sp + "." + name,
                        "KEDA's client setting " + name,
                        "not part of a Kafka metric: Trimtab's lag source uses its own Kafka client; remove it");
            }
        }
    }

    /** The bootstrap server set; null (with problems) when an element is not host:port. */
    private static Set<String> servers(String servers, String path, Fields f) {
        int before = f.problems.size();
        if (servers.length() > KafkaOffsetEvents.MAX_SERVERS_LENGTH) {
            f.problem(
                    path,
                    "\"" + servers + "\"",
                    "must be at most " + KafkaOffsetEvents.MAX_SERVERS_LENGTH + " characters");
            return null;
        }
        String[] list = servers.split(",", -1);
        if (list.length > KafkaOffsetEvents.MAX_SERVERS) {
            f.problem(path, "\"" + servers + "\"", "must list at most " + KafkaOffsetEvents.MAX_SERVERS + " servers");
            return null;
        }
        for (String s : list) {
            String problem = serverProblem(s.trim());
            if (problem != null) {
                f.problem(path, "\"" + s.trim() + "\"", problem);
            }
        }
        return f.problems.size() == before ? KafkaLag.servers(servers) : null;
    }

    /** Why {@code s} is not {@code host:port} (port 1 to 65535), or null when it is. */
    static String serverProblem(String s) {
        int colon = s.lastIndexOf(':');
        if (s.isEmpty()) {
            return "must be comma-separated host:port, without empty elements";
        }
        if (colon <= 0 || !HOST.matcher(s.substring(0, colon)).matches()) {
            return "must be host:port, such as kafka-0.kafka:9092";
        }
        String port = s.substring(colon + 1);
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535 || !port.equals(String.valueOf(p))) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return "must be host:port with a port in [1, 65535]";
        }
        return null;
    }

    /** A JSON integer or a decimal string (KEDA's metadata is text); {@code dflt} when absent; null when invalid. */
    private static Long integer(JsonNode source, String name, String sp, long dflt, Fields f) {
        JsonNode v = source.get(name);
        String path = sp + "." + name;
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual() && DECIMAL.matcher(v.asText()).matches()) {
            try {
                return Long.parseLong(v.asText());
            } catch (NumberFormatException e) {
                // falls through: out of range
            }
        }
        f.problem(path, v, "must be an integer (a JSON number or a decimal string such as \"10\")");
        return null;
    }
}
