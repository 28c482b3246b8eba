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
 *  "firstSeenMillis":…,"lastActiveMillis":…,"panicStartMillis":…,"maxPanicPods":…}</pre>
 */
public final class HistoryRecords {
    static final int VERSION = 1;

    /** A snapshot with the policy it belongs to and the workload whose partition carries it. */
    public record Entry(ObjectRef policy, String workload, History.Snapshot snapshot) {}

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
            throw new IllegalArgumentException("state record: version: got " + n.get("version") + ", expected " + VERSION);
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
        History.Snapshot s = new History.Snapshot(recs, events(n, "scaleUpEvents"), events(n, "scaleDownEvents"), demand,
                streaks, number(n, "firstSeenMillis"), number(n, "lastActiveMillis"), number(n, "panicStartMillis"),
                (int) number(n, "maxPanicPods"));
        return new Entry(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", policy.substring(0, slash),
                policy.substring(slash + 1)), text(n, "workload"), s);
    }

    private static List<History.ScaleEvent> events(JsonNode n, String field) {
        List<History.ScaleEvent> out = new ArrayList<>();
        for (JsonNode e : array(n, field, 3)) {
            out.add(new History.ScaleEvent(e.get(0).asInt(), e.get(1).asLong(), e.get(2).asBoolean()));
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
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("state record: " + field + ": got " + v + ", expected an integer");
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
