package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.network.core.intent.IntentChecker;
import dev.trimtab.network.core.intent.IntentViolation;
import dev.trimtab.network.core.intent.NetworkIntent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Changing one object at a time gives what reading everything again gives: {@link NetworkModel#with}
 * equals {@link NetworkModel#fromObjects} over the objects with the replacement (pods, policies,
 * namespaces, errors, and every verdict through the index it carries over), and
 * {@link IntentChecker.Checked#over} equals {@link IntentChecker#check} on the rebuilt model.
 * Random clusters (seeded) and random changes: pods relabelled, given other ports or addresses (the
 * outside probe's among them), broken, added; policies and namespaces replaced; other kinds.
 */
class IncrementalTest {
    static final Port[] PORTS = {new Port(80, Protocol.TCP), new Port(53, Protocol.UDP), new Port(8050, Protocol.TCP)};

    @Test
    void withAndOverAgreeWithAFullRebuildAndCheck() {
        int incremental = 0;
        int violations = 0;
        for (int seed = 0; seed < 120; seed++) {
            Random rnd = new Random(seed);
            List<Map<String, Object>> objects = AnalyzerEquivalenceTest.cluster(rnd);
            objects.add(AnalyzerEquivalenceTest.obj(
                    "v1", "Namespace", AnalyzerEquivalenceTest.meta("kube-system", null, Map.of()), null, null));
            for (int i = 0; i < 1 + rnd.nextInt(2); i++) {
                objects.add(dnsPod("coredns-" + i, rnd.nextBoolean()));
            }
            List<NetworkIntent> intents =
                    NetworkIntent.fromObjects(intents(rnd)).intents();
            assertThat(intents).isNotEmpty();
            NetworkModel model = NetworkModel.fromObjects(objects);
            IntentChecker.Checked checked = IntentChecker.checked(model, intents);
            assertThat(checked.violations()).isEqualTo(IntentChecker.check(model, intents));
            for (int step = 0; step < 12; step++) {
                new ReachabilityAnalyzer(model); // the index exists, so the next model derives its own
                Map<String, Object> change = change(objects, rnd);
                objects = replaceLast(objects, change);
                NetworkModel rebuilt = NetworkModel.fromObjects(objects);
                model = model.with(change);
                String at = "seed " + seed + " step " + step + " " + change;
                assertThat(model.pods()).as(at).isEqualTo(rebuilt.pods());
                assertThat(model.policies()).as(at).isEqualTo(rebuilt.policies());
                assertThat(model.namespaces()).as(at).isEqualTo(rebuilt.namespaces());
                assertThat(model.errors()).as(at).isEqualTo(rebuilt.errors());
                ReachabilityAnalyzer derived = new ReachabilityAnalyzer(model);
                ReachabilityAnalyzer fresh = new ReachabilityAnalyzer(rebuilt);
                for (Port port : PORTS) {
                    assertThat(derived.matrix(model.pods(), port)).as(at).isEqualTo(fresh.matrix(rebuilt.pods(), port));
                }
                boolean podsOnly = model.namespaces().equals(checked.model().namespaces())
                        && model.policies().equals(checked.model().policies())
                        && model.pods().size() == checked.model().pods().size();
                incremental += podsOnly ? 1 : 0;
                checked = checked.over(model);
                List<IntentViolation> want = IntentChecker.check(rebuilt, intents);
                assertThat(checked.violations()).as(at).isEqualTo(want);
                violations += want.size();
            }
        }
        assertThat(incremental).isGreaterThan(300); // most changes take the incremental path
        assertThat(violations).isGreaterThan(1000);
    }

    /** A pod of kube-system labelled as the cluster DNS (or almost). */
    static Map<String, Object> dnsPod(String name, boolean dns) {
        return AnalyzerEquivalenceTest.obj(
                "v1",
                "Pod",
                AnalyzerEquivalenceTest.meta(name, "kube-system", Map.of("k8s-app", dns ? "kube-dns" : "other")),
                Map.of(
                        "containers",
                        List.of(Map.of(
                                "name",
                                "dns",
                                "ports",
                                List.of(
                                        Map.of("name", "dns", "containerPort", 53L, "protocol", "UDP"),
                                        Map.of("name", "dns-tcp", "containerPort", 53L))))),
                Map.of("podIP", "10.9.0." + name.length()));
    }

    /** A new version of a random object (mostly a pod), or now and then a new object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> change(List<Map<String, Object>> objects, Random rnd) {
        int kind = rnd.nextInt(20);
        if (kind == 0) {
            return AnalyzerEquivalenceTest.policy(
                    "np-new-" + rnd.nextInt(3), "ns-" + rnd.nextInt(3), AnalyzerEquivalenceTest.selector(rnd), rnd);
        }
        if (kind == 1) {
            return AnalyzerEquivalenceTest.obj(
                    "v1",
                    "Namespace",
                    AnalyzerEquivalenceTest.meta(
                            "ns-" + rnd.nextInt(4),
                            null,
                            Map.of("team", AnalyzerEquivalenceTest.TEAMS[rnd.nextInt(3)])),
                    null,
                    null);
        }
        if (kind == 2) {
            return AnalyzerEquivalenceTest.obj(
                    "v1", "ConfigMap", AnalyzerEquivalenceTest.meta("x", "ns-0", Map.of()), null, null);
        }
        if (kind == 3) {
            return dnsPod("coredns-" + rnd.nextInt(3), rnd.nextBoolean());
        }
        List<Map<String, Object>> pods =
                objects.stream().filter(o -> "Pod".equals(o.get("kind"))).toList();
        if (pods.isEmpty() || kind == 4) {
            return AnalyzerEquivalenceTest.obj(
                    "v1",
                    "Pod",
                    AnalyzerEquivalenceTest.meta("pod-new-" + rnd.nextInt(3), "ns-1", Map.of("app", "web")),
                    Map.of(),
                    Map.of("podIP", "10.0.1.99"));
        }
        Map<String, Object> pod = new LinkedHashMap<>(pods.get(rnd.nextInt(pods.size())));
        Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) pod.get("metadata"));
        Map<String, Object> labels = new LinkedHashMap<>((Map<String, Object>) meta.get("labels"));
        switch (rnd.nextInt(6)) {
            case 0, 1 ->
                labels.put("app", AnalyzerEquivalenceTest.APPS[rnd.nextInt(AnalyzerEquivalenceTest.APPS.length)]);
            case 2 -> labels.remove(rnd.nextBoolean() ? "app" : "tier");
            case 3 -> {
                List<Object> ports = new ArrayList<>();
                for (int k = rnd.nextInt(3); k >= 0; k--) {
                    Map<String, Object> cp = new LinkedHashMap<>();
                    cp.put("name", new String[] {"http", "dns", "pg", "metrics"}[rnd.nextInt(4)]);
                    cp.put("containerPort", (long) new int[] {80, 8080, 53, 5432, 9000, 8050}[rnd.nextInt(6)]);
                    cp.put("protocol", new String[] {"TCP", "UDP", "SCTP"}[rnd.nextInt(3)]);
                    ports.add(cp);
                }
                pod.put("spec", Map.of("containers", List.of(Map.of("name", "c", "ports", ports))));
            }
            case 4 ->
                pod.put(
                        "status",
                        Map.of(
                                "podIP",
                                rnd.nextInt(3) == 0
                                        ? IntentChecker.EXTERNAL_PROBE.toString()
                                        : "10.0.7." + rnd.nextInt(50)));
            default -> pod.put("status", Map.of("podIP", "not-an-ip")); // left out with an error
        }
        meta.put("labels", labels);
        pod.put("metadata", meta);
        return pod;
    }

    /** The objects with the last one read under the same kind and name replaced by {@code o}, or o appended. */
    static List<Map<String, Object>> replaceLast(List<Map<String, Object>> objects, Map<String, Object> o) {
        List<Map<String, Object>> out = new ArrayList<>(objects);
        String key = key(o);
        if (key == null) {
            out.add(o);
            return out;
        }
        for (int i = out.size() - 1; i >= 0; i--) {
            if (key.equals(key(out.get(i)))) {
                out.set(i, o);
                return out;
            }
        }
        out.add(o);
        return out;
    }

    /** {@code Kind ns/name} for the objects the model reads, null for others. */
    @SuppressWarnings("unchecked")
    static String key(Map<String, Object> o) {
        String kind = String.valueOf(o.get("kind"));
        String v = String.valueOf(o.get("apiVersion"));
        if (!(kind.equals("NetworkPolicy") && v.equals("networking.k8s.io/v1"))
                && !(v.equals("v1") && (kind.equals("Namespace") || kind.equals("Pod")))) {
            return null;
        }
        Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
        Object ns = meta.get("namespace");
        return kind + " "
                + (kind.equals("Namespace")
                        ? meta.get("name")
                        : (ns == null || "".equals(ns) ? "default" : ns) + "/" + meta.get("name"));
    }

    static List<Map<String, Object>> intents(Random rnd) {
        List<Map<String, Object>> rules = new ArrayList<>();
        rules.add(Map.of(
                "defaultDeny",
                Map.of(
                        "namespaceSelector",
                        rnd.nextBoolean()
                                ? Map.of()
                                : Map.of("matchLabels", Map.of("team", AnalyzerEquivalenceTest.TEAMS[rnd.nextInt(3)])),
                        "directions",
                        rnd.nextBoolean() ? List.of("Ingress", "Egress") : List.of("Egress"))));
        Map<String, Object> to = new LinkedHashMap<>();
        to.put("podSelector", Map.of("matchLabels", Map.of("app", AnalyzerEquivalenceTest.APPS[rnd.nextInt(4)])));
        if (rnd.nextBoolean()) {
            to.put(
                    "namespaceSelector",
                    Map.of("matchLabels", Map.of("team", AnalyzerEquivalenceTest.TEAMS[rnd.nextInt(3)])));
        }
        rules.add(Map.of(
                "onlyFrom",
                Map.of(
                        "to",
                        to,
                        "port",
                        (long) (rnd.nextBoolean() ? 80 : 8080),
                        "from",
                        List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("tier", "front")))))));
        rules.add(Map.of(
                "deny",
                Map.of(
                        "from",
                                Map.of(
                                        "namespaceSelector",
                                        Map.of(
                                                "matchLabels",
                                                Map.of("team", AnalyzerEquivalenceTest.TEAMS[rnd.nextInt(3)]))),
                        "to",
                                Map.of(
                                        "namespaceSelector",
                                        rnd.nextBoolean()
                                                ? Map.of()
                                                : Map.of(
                                                        "matchLabels",
                                                        Map.of(
                                                                "team",
                                                                AnalyzerEquivalenceTest.TEAMS[rnd.nextInt(3)]))))));
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(intent("a", List.of(rules.get(rnd.nextInt(3)), rules.get(rnd.nextInt(3)))));
        out.add(intent("b", rules));
        return out;
    }

    static Map<String, Object> intent(String name, List<Map<String, Object>> rules) {
        return AnalyzerEquivalenceTest.obj(
                NetworkIntent.API_VERSION,
                NetworkIntent.KIND,
                AnalyzerEquivalenceTest.meta(name, null, Map.of()),
                Map.of("rules", rules),
                null);
    }
}
