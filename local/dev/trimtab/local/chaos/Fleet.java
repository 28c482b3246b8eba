package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workloads of a chaos run: Deployments with a ScalingPolicy each, on one External metric of
 * their own ({@code demand_<name>}, target AverageValue 100), so no pods are needed and an event
 * for one workload makes only its own policy due. Short stabilization windows and rate-limit
 * policies keep convergence quick; each workload's demand is a seeded function of time, steady at
 * its final value from the tail on.
 *
 * <p>Final values are chosen so the final replicas do not depend on the path taken: either
 * {@code k × 100} with {@code k ≤ 8} (no replica count other than {@code k} is within the 10%
 * tolerance of it) or far above {@code maxReplicas × 100} (capped).
 */
final class Fleet {
    static final long TARGET = 100;
    static final int MAX_REPLICAS = 10;
    /** How long one demand level lasts during the load phase. */
    static final long STEP_MILLIS = 6_000;

    static final String[] NAMESPACES = {"chaos-a", "chaos-b", "chaos-c"};

    /**
     * One workload and its policy.
     *
     * @param downPods scale-down rate: Pods policy value per {@code downPeriod}, or 0 for Percent 50 with Pods 3
     */
    record Workload(
            int index,
            String namespace,
            String name,
            int initialReplicas,
            int downWindow,
            int upWindow,
            int downPods,
            int downPeriod,
            int upPods,
            int upPeriod,
            long finalDemand) {
        String key() {
            return namespace + "/" + name;
        }

        String metric() {
            return "demand_" + name;
        }
    }

    private final List<Workload> workloads;
    private final long seed;

    /** {@code windows}: how many scale-down windows to choose from (10 s, 15 s, 20 s…). */
    Fleet(int count, long seed, int windows) {
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        List<Workload> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int k = r.nextInt(10);
            long finalDemand = k < 8 ? (k + 1) * TARGET : (MAX_REPLICAS + 5) * TARGET;
            boolean percent = r.nextBoolean();
            list.add(new Workload(
                    i,
                    NAMESPACES[i % NAMESPACES.length],
                    String.format("w%04d", i),
                    1 + r.nextInt(4),
                    10 + 5 * r.nextInt(windows),
                    r.nextBoolean() ? 0 : 3,
                    percent ? 0 : 2,
                    percent ? 4 : 3,
                    3 + r.nextInt(2),
                    5,
                    finalDemand));
        }
        this.workloads = List.copyOf(list);
    }

    List<Workload> workloads() {
        return workloads;
    }

    /**
     * A steady tail long enough for every workload to reach the replicas of its final demand:
     * the longest scale-down window, then the rate-limited steps from {@link #MAX_REPLICAS} to 1
     * (or up), and a margin.
     */
    long tailMillis() {
        long window = workloads.stream().mapToLong(Workload::downWindow).max().orElse(0) * 1000;
        long steps = workloads.stream()
                        .mapToLong(w -> (long) w.downPeriod()
                                * (w.downPods() == 0 ? 4 : (MAX_REPLICAS + w.downPods() - 1) / w.downPods()))
                        .max()
                        .orElse(0)
                * 1000;
        return window + steps + 8_000;
    }

    /**
     * The demand of {@code w} (milli-units of the metric) at {@code elapsed} ms into the run:
     * a seeded level per step with a little noise per event ({@code seq}); from {@code loadMillis} on,
     * exactly the final demand.
     */
    long demand(Workload w, long elapsed, long loadMillis, long seq) {
        if (elapsed >= loadMillis) {
            return w.finalDemand() * 1000;
        }
        long step = elapsed / STEP_MILLIS;
        SplittableRandom level = new SplittableRandom(seed * 1_000_003L + w.index() * 7919L + step);
        long base = level.nextLong((MAX_REPLICAS + 3) * TARGET * 1000);
        long noise = new SplittableRandom(seed ^ (w.index() * 31L + seq * 1_000_033L)).nextLong(base / 10 + 1);
        return base + noise - base / 20;
    }

    /** The Deployment of {@code w}, without status (so status replicas follow spec replicas). */
    static ObjectNode deployment(ObjectMapper json, Workload w) {
        ObjectNode d = json.createObjectNode();
        d.put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata")
                .put("name", w.name())
                .put("namespace", w.namespace())
                .putObject("labels")
                .put("app", w.name());
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", w.initialReplicas());
        spec.putObject("selector").putObject("matchLabels").put("app", w.name());
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", w.name());
        template.putObject("spec")
                .putArray("containers")
                .addObject()
                .put("name", "app")
                .put("image", "app");
        return d;
    }

    /** The ScalingPolicy of {@code w}. */
    static ObjectNode policy(ObjectMapper json, Workload w) {
        ObjectNode p = json.createObjectNode();
        p.put("apiVersion", "trimtab.dev/v1alpha1").put("kind", "ScalingPolicy");
        p.putObject("metadata").put("name", w.name()).put("namespace", w.namespace());
        ObjectNode spec = p.putObject("spec");
        spec.putObject("scaleTargetRef")
                .put("apiVersion", "apps/v1")
                .put("kind", "Deployment")
                .put("name", w.name());
        spec.put("minReplicas", 1).put("maxReplicas", MAX_REPLICAS);
        ObjectNode external =
                spec.putArray("metrics").addObject().put("type", "External").putObject("external");
        external.putObject("metric").put("name", w.metric());
        external.putObject("target").put("type", "AverageValue").put("averageValue", Long.toString(TARGET));
        ObjectNode behavior = spec.putObject("behavior");
        ObjectNode down = behavior.putObject("scaleDown");
        down.put("stabilizationWindowSeconds", w.downWindow());
        var downPolicies = down.putArray("policies");
        if (w.downPods() == 0) {
            downPolicies.addObject().put("type", "Percent").put("value", 50).put("periodSeconds", w.downPeriod());
            downPolicies.addObject().put("type", "Pods").put("value", 3).put("periodSeconds", w.downPeriod());
            down.put("selectPolicy", "Max");
        } else {
            downPolicies
                    .addObject()
                    .put("type", "Pods")
                    .put("value", w.downPods())
                    .put("periodSeconds", w.downPeriod());
        }
        ObjectNode up = behavior.putObject("scaleUp");
        up.put("stabilizationWindowSeconds", w.upWindow());
        var upPolicies = up.putArray("policies");
        upPolicies.addObject().put("type", "Pods").put("value", w.upPods()).put("periodSeconds", w.upPeriod());
        upPolicies.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", w.upPeriod());
        up.put("selectPolicy", "Max");
        return p;
    }

    /** An ExternalMetricValue CloudEvent for {@code w}: id {@code <namespace>/<name>-<seq>}. */
    static String metricEvent(Workload w, long seq, String time, long demandMilli) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + w.key() + "-" + seq + "\",\"source\":\"/trimtab/chaos\","
                + "\"type\":\"dev.trimtab.metrics\",\"time\":\"" + time + "\",\"namespace\":\"" + w.namespace()
                + "\",\"datacontenttype\":\"application/json\",\"data\":{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\","
                + "\"kind\":\"ExternalMetricValue\",\"metricName\":\"" + w.metric() + "\",\"metricLabels\":{},"
                + "\"timestamp\":\"" + time + "\",\"window\":1,\"value\":\"" + demandMilli + "m\"}}";
    }

    /** The workload key and sequence number of a metric event id, or null when it is not one of ours. */
    static IdParts parseId(String id) {
        int dash = id == null ? -1 : id.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            return new IdParts(id.substring(0, dash), Long.parseLong(id.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    record IdParts(String workload, long seq) {}

    /** An ApiServerSource-shaped add event of {@code object} at {@code time}, for the replay trace. */
    static String addEvent(ObjectMapper json, JsonNode object, String id, String time) {
        ObjectNode e = json.createObjectNode();
        e.put("specversion", "1.0")
                .put("id", id)
                .put("source", "https://kubernetes.default.svc")
                .put("type", "dev.knative.apiserver.resource.add")
                .put("time", time)
                .put("datacontenttype", "application/json");
        e.set("data", object);
        return e.toString();
    }
}
