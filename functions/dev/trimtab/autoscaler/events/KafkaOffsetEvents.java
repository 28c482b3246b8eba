package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code dev.trimtab.kafka.offsets} CloudEvent: one poll of a consumer group's offsets, read
 * ({@link #read}) with every field checked against {@link InputLimits}, and written
 * ({@link #toEvent}) by a lag source. Data:
 * <pre>{"bootstrapServers": "b1:9092,b2:9092", "consumerGroup": "g",
 *  "topics": [{"topic": "t", "partitions": [{"partition": 0, "endOffset": 120, "committedOffset": 100},
 *                                           {"partition": 1, "endOffset": 50, "committedOffset": null}]}]}</pre>
 * The optional CloudEvent {@code subject} {@code <namespace>/<scalingpolicy-name>} restricts the
 * poll to that policy.
 */
public final class KafkaOffsetEvents {
    /** The CloudEvent type of an offsets poll. */
    public static final String TYPE = "dev.trimtab.kafka.offsets";

    static final int MAX_SERVERS_LENGTH = 4096;
    static final int MAX_SERVERS = 64;
    static final int MAX_GROUP_LENGTH = 1024;
    /** Kafka's own rule for a topic name (at most 249 of these characters, not "." or ".."). */
    static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final Set<String> DATA_FIELDS = Set.of("bootstrapServers", "consumerGroup", "topics");
    private static final Set<String> TOPIC_FIELDS = Set.of("topic", "partitions");
    private static final Set<String> PARTITION_FIELDS = Set.of("partition", "endOffset", "committedOffset");

    private KafkaOffsetEvents() {}

    /** An offsets poll, and the policy it is for ({@code subject}), or null for every policy on its group. */
    public record Poll(KafkaOffsets offsets, String policyNamespace, String policyName) {}

    /**
     * Reads and checks an offsets event; every problem is named with its path and value.
     *
     * @throws InvalidObjectException listing the problems (nothing of the event may be applied)
     */
    public static Poll read(CloudEvent event, InputLimits limits) {
        Fields f = new Fields();
        JsonNode data = event.data();
        String ns = null;
        String name = null;
        if (event.subject() != null) {
            String[] parts = event.subject().split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                f.problem(
                        "subject",
                        "\"" + event.subject() + "\"",
                        "must be <namespace>/<scalingpolicy-name> (the policy the poll is for), or absent");
            } else {
                ns = parts[0];
                name = parts[1];
            }
        }
        if (event.time() == null) {
            f.problem("time", null, "the CloudEvent's time is required: it dates the poll");
        }
        f.checkKnown(data, "data", DATA_FIELDS);
        String servers = f.string(data, "bootstrapServers", "data.bootstrapServers", true);
        if (servers != null) {
            servers(servers, f);
        }
        String group = f.string(data, "consumerGroup", "data.consumerGroup", true);
        if (group != null && group.length() > MAX_GROUP_LENGTH) {
            f.problem("data.consumerGroup", "\"" + group + "\"", "must be at most " + MAX_GROUP_LENGTH + " characters");
        }
        List<KafkaOffsets.Topic> topics = topics(data == null ? null : data.get("topics"), limits, f);
        if (!f.problems.isEmpty()) {
            throw new InvalidObjectException(
                    "Kafka offsets event " + Fields.echo(event.id()) + " is invalid", f.problems, f.reason);
        }
        return new Poll(new KafkaOffsets(servers, group, topics), ns, name);
    }

    /** Checks a bootstrap server list: comma-separated, each {@code host:port}. */
    static void servers(String servers, Fields f) {
        if (servers.length() > MAX_SERVERS_LENGTH) {
            f.problem(
                    "data.bootstrapServers",
                    "\"" + servers + "\"",
                    "must be at most " + MAX_SERVERS_LENGTH + " characters");
            return;
        }
        String[] list = servers.split(",", -1);
        if (list.length > MAX_SERVERS) {
            f.problem("data.bootstrapServers", "\"" + servers + "\"", "must list at most " + MAX_SERVERS + " servers");
            return;
        }
        for (String s : list) {
            String problem = KafkaMetricParser.serverProblem(s.trim());
            if (problem != null) {
                f.problem("data.bootstrapServers", "\"" + s.trim() + "\"", problem);
            }
        }
    }

    private static List<KafkaOffsets.Topic> topics(JsonNode list, InputLimits limits, Fields f) {
        List<KafkaOffsets.Topic> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            f.problem("data.topics", null, "a list of topics is required (it may be empty)");
            return out;
        }
        if (!list.isArray()) {
            f.problem("data.topics", list, "must be a list");
            return out;
        }
        if (list.size() > limits.maxKafkaTopics()) {
            f.problem(
                    RejectReason.TooLarge,
                    "data.topics",
                    list.size() + " topics",
                    "at most " + limits.maxKafkaTopics() + " are accepted (max-kafka-topics)");
            return out;
        }
        long partitions = 0;
        for (JsonNode t : list) {
            partitions += t.path("partitions").size();
        }
        if (partitions > limits.maxKafkaPartitions()) {
            f.problem(
                    RejectReason.TooLarge,
                    "data.topics[*].partitions",
                    partitions + " partitions",
                    "at most " + limits.maxKafkaPartitions() + " are accepted in one event (max-kafka-partitions)");
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String tp = "data.topics[" + i + "]";
            JsonNode t = list.get(i);
            if (!t.isObject()) {
                f.problem(tp, t, "must be an object {topic, partitions}");
                continue;
            }
            f.checkKnown(t, tp, TOPIC_FIELDS);
            String topic = f.string(t, "topic", tp + ".topic", true);
            if (topic != null && (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals(".."))) {
                f.problem(
                        tp + ".topic",
                        "\"" + topic + "\"",
                        "must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
                topic = null;
            } else if (topic != null && !seen.add(topic)) {
                f.problem(tp + ".topic", "\"" + topic + "\"", "is listed twice");
            }
            List<KafkaOffsets.Partition> ps = partitions(t.get("partitions"), tp + ".partitions", f);
            if (topic != null) {
                out.add(new KafkaOffsets.Topic(topic, ps));
            }
        }
        return out;
    }

    private static List<KafkaOffsets.Partition> partitions(JsonNode list, String path, Fields f) {
        List<KafkaOffsets.Partition> out = new ArrayList<>();
        if (list == null || list.isNull() || !list.isArray()) {
            f.problem(path, list, "a list of partitions is required");
            return out;
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String pp = path + "[" + i + "]";
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                f.problem(pp, p, "must be an object {partition, endOffset, committedOffset}");
                continue;
            }
            f.checkKnown(p, pp, PARTITION_FIELDS);
            Long id = offset(p, "partition", pp, true, f);
            if (id != null && id > Integer.MAX_VALUE) {
                f.problem(
                        pp + ".partition", p.get("partition"), "must be an integer in [0, " + Integer.MAX_VALUE + "]");
                id = null;
            }
            if (id != null && !seen.add(id.intValue())) {
                f.problem(pp + ".partition", p.get("partition"), "is listed twice in this topic");
            }
            Long end = offset(p, "endOffset", pp, true, f);
            Long committed = offset(p, "committedOffset", pp, false, f);
            if (id != null && end != null) {
                out.add(new KafkaOffsets.Partition(id.intValue(), end, committed));
            }
        }
        return out;
    }

    /** A non-negative integer; null when absent or JSON null ({@code required}: a problem then). */
    private static Long offset(JsonNode p, String name, String pp, boolean required, Fields f) {
        JsonNode v = p.get(name);
        String path = pp + "." + name;
        if (v == null || v.isNull()) {
            if (required) {
                f.problem(path, null, "an integer >= 0 is required");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            f.problem(
                    path,
                    v,
                    required
                            ? "must be an integer in [0, " + Long.MAX_VALUE + "]"
                            : "must be null (no committed offset) or an integer in [0, " + Long.MAX_VALUE + "]");
            return null;
        }
        if (v.asLong() < 0) {
            f.problem(
                    RejectReason.NegativeValue,
                    path,
                    v,
                    required
                            ? "must not be negative"
                            : "must not be negative (write null for no committed offset, not -1)");
            return null;
        }
        return v.asLong();
    }

    /**
     * The event a lag source sends for one poll.
     *
     * @param subject      {@code <namespace>/<scalingpolicy-name>} of the one policy it is for, or null
     * @param partitionKey the CloudEvent {@code partitionkey} extension (the workload key), or null
     */
    public static CloudEvent toEvent(
            KafkaOffsets offsets, String id, String source, String subject, Instant time, String partitionKey) {
        ObjectNode data = CloudEventCodec.JSON.createObjectNode();
        data.put("bootstrapServers", offsets.bootstrapServers());
        data.put("consumerGroup", offsets.consumerGroup());
        ArrayNode topics = data.putArray("topics");
        for (KafkaOffsets.Topic t : offsets.topics()) {
            ObjectNode tn = topics.addObject();
            tn.put("topic", t.topic());
            ArrayNode ps = tn.putArray("partitions");
            for (KafkaOffsets.Partition p : t.partitions()) {
                ObjectNode pn = ps.addObject();
                pn.put("partition", p.partition());
                pn.put("endOffset", p.endOffset());
                if (p.committedOffset() == null) {
                    pn.putNull("committedOffset");
                } else {
                    pn.put("committedOffset", p.committedOffset().longValue());
                }
            }
        }
        return new CloudEvent(
                id,
                source,
                TYPE,
                subject,
                time,
                "application/json",
                data,
                partitionKey == null ? Map.of() : Map.of("partitionkey", partitionKey));
    }
}
