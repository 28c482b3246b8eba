package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload's {@link History} as a record of the compacted state topic: the key is the
 * ScalingPolicy ({@code namespace/name}), the value this JSON document, so the latest snapshot of
 * each policy survives compaction and a new owner can restore it.
 *
 * <pre>{"version":1,"policy":"shop/web","workload":"shop/web",
 *  "recommendations":[[replicas,timeMillis],…],"scaleUpEvents":[[change,timeMillis,outdated],…],
 *  "scaleDownEvents":[…],"demand":[[timeMillis,pods],…],"metricFailures":[…],
 *  "firstSeenMillis":…,"lastActiveMillis":…,"panicStartMillis":…,"maxPanicPods":…,
 *  "decidedThrough":{"partition":…,"offset":…,"timestamp":…}}</pre>
 *
 * <p>{@code decidedThrough} (optional): the metric record (partition, offset and the record's
 * timestamp) up to which the workload's decisions were taken when the snapshot was written. A new
 * owner reads the records after the last committed offset again; those up to here were decided
 * already (and their decisions applied and logged), so they are folded but not decided a second
 * time. The timestamp guards against a metric topic deleted and created again: its offsets start
 * over, but its records are newer.
 */
public final class HistoryRecords {
    static final int VERSION = 1;

    /**
     * A snapshot with the policy it belongs to, the workload whose partition carries it, and the
     * metric record its decisions were taken through (null: none known).
     */
    public record Entry(ObjectRef policy, String workload, History.Snapshot snapshot, Position decidedThrough) {
        public Entry(ObjectRef policy, String workload, History.Snapshot snapshot) {
            this(policy, workload, snapshot, null);
        }
    }

    /** A record of the metric topic: its partition, offset and timestamp (negative: none). */
    public record Position(int partition, long offset, long timestampMillis) {
        public Position {
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException(
                        "position: got partition " + partition + ", offset " + offset + ", expected both >= 0");
            }
        }

        /**
         * Whether {@code p} is this record or an earlier one of the same partition, and no newer:
         * a record without a timestamp is never taken as covered (it is decided again).
         */
        public boolean covers(Position p) {
            return p != null
                    && p.partition == partition
                    && p.offset <= offset
                    && p.timestampMillis >= 0
                    && timestampMillis >= 0
                    && p.timestampMillis <= timestampMillis;
        }
    }

    private HistoryRecords() {}

    /** The record key: the policy's {@code namespace/name}. */
    public static String key(ObjectRef policy) {
        return policy.namespace() + "/" + policy.name();
    }

    public static byte[] write(Entry e) {
        ObjectNode n = CloudEventCodec.JSON.createObjectNode();
        n.put("version", VERSION);
        n.put("policy", key(e.policy()));
        n.put("workload", e.workload());
        History.Snapshot s = e.snapshot();
        ArrayNode recs = n.putArray("recommendations");
        for (History.Recommendation r : s.recommendations()) {
            recs.addArray().add(r.replicas()).add(r.timestampMillis());
        }
        events(n.putArray("scaleUpEvents"), s.scaleUpEvents());
        events(n.putArray("scaleDownEvents"), s.scaleDownEvents());
        ArrayNode demand = n.putArray("demand");
        for (History.DemandPoint d : s.demand()) {
            demand.addArray().add(d.timestampMillis()).add(d.demand());
        }
        ArrayNode failures = n.putArray("metricFailures");
        for (int f : s.metricFailures()) {
            failures.add(f);
        }
        n.put("firstSeenMillis", s.firstSeenMillis());
        n.put("lastActiveMillis", s.lastActiveMillis());
        n.put("panicStartMillis", s.panicStartMillis());
        n.put("maxPanicPods", s.maxPanicPods());
        if (e.decidedThrough() != null) {
            n.putObject("decidedThrough")
                    .put("partition", e.decidedThrough().partition())
                    .put("offset", e.decidedThrough().offset())
                    .put("timestamp", e.decidedThrough().timestampMillis());
        }
        try {
            return CloudEventCodec.JSON.writeValueAsBytes(n);
        } catch (IOException failure) {
            throw new IllegalStateException(failure);
        }
    }

    private static void events(ArrayNode out, List<History.ScaleEvent> events) {
        for (History.ScaleEvent e : events) {
            out.addArray().add(e.replicaChange()).add(e.timestampMillis()).add(e.outdated());
        }
    }

    /**
     * Reads a state record.
     *
     * @throws IllegalArgumentException naming the field and the value when the record is not one
     */
    public static Entry read(byte[] value) {
        JsonNode n;
        try {
            n = CloudEventCodec.JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("state record: not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("state record: got " + n + ", expected a JSON object");
        }
        if (n.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException(
                    "state record: version: got " + n.get("version") + ", expected " + VERSION);
        }
        String policy = text(n, "policy");
        int slash = policy.indexOf('/');
        if (slash <= 0 || slash == policy.length() - 1) {
            throw new IllegalArgumentException("state record: policy: got \"" + policy + "\", expected namespace/name");
        }
        List<History.Recommendation> recs = new ArrayList<>();
        for (JsonNode r : array(n, "recommendations", 2)) {
            recs.add(new History.Recommendation(r.get(0).asInt(), r.get(1).asLong()));
        }
        List<History.DemandPoint> demand = new ArrayList<>();
        for (JsonNode d : array(n, "demand", 2)) {
            demand.add(new History.DemandPoint(d.get(0).asLong(), d.get(1).asDouble()));
        }
        List<JsonNode> failures = array(n, "metricFailures", 0);
        int[] streaks = new int[failures.size()];
        for (int i = 0; i < streaks.length; i++) {
            streaks[i] = failures.get(i).asInt();
        }
        History.Snapshot s = new History.Snapshot(
                recs,
                events(n, "scaleUpEvents"),
                events(n, "scaleDownEvents"),
                demand,
                streaks,
                number(n, "firstSeenMillis"),
                number(n, "lastActiveMillis"),
                number(n, "panicStartMillis"),
                (int) number(n, "maxPanicPods"));
        return new Entry(
                new ObjectRef(
                        "trimtab.dev/v1alpha1",
                        "ScalingPolicy",
                        policy.substring(0, slash),
                        policy.substring(slash + 1)),
                text(n, "workload"),
                s,
                decidedThrough(n));
    }

    private static Position decidedThrough(JsonNode n) {
        JsonNode d = n.get("decidedThrough");
        if (d == null || d.isNull()) {
            return null;
        }
        if (!d.isObject()) {
            throw new IllegalArgumentException("state record: decidedThrough: got " + d + ", expected an object");
        }
        long partition = number(d, "partition", "decidedThrough.partition");
        long offset = number(d, "offset", "decidedThrough.offset");
        long timestamp = number(d, "timestamp", "decidedThrough.timestamp");
        if (partition < 0 || partition > Integer.MAX_VALUE || offset < 0) {
            throw new IllegalArgumentException(
                    "state record: decidedThrough: got " + d + ", expected a partition and an offset >= 0");
        }
        return new Position((int) partition, offset, timestamp);
    }

    private static List<History.ScaleEvent> events(JsonNode n, String field) {
        List<History.ScaleEvent> out = new ArrayList<>();
        for (JsonNode e : array(n, field, 3)) {
            out.add(new History.ScaleEvent(
                    e.get(0).asInt(), e.get(1).asLong(), e.get(2).asBoolean()));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("state record: " + field + ": got " + v + ", expected a string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) {
        return number(n, field, field);
    }

    private static long number(JsonNode n, String field, String name) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("state record: " + name + ": got " + v + ", expected an integer");
        }
        return v.asLong();
    }

    /** The array's elements, each an array of {@code width} numbers (0: plain numbers). */
    private static List<JsonNode> array(JsonNode n, String field, int width) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("state record: " + field + ": got " + v + ", expected an array");
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            boolean ok = width == 0 ? e.isNumber() : e.isArray() && e.size() == width;
            if (!ok) {
                throw new IllegalArgumentException("state record: " + field + "[" + i + "]: got " + e + ", expected "
                        + (width == 0 ? "a number" : "an array of " + width));
            }
            out.add(e);
        }
        return out;
    }
}
