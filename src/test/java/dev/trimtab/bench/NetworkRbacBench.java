package dev.trimtab.bench;

import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.Verdict;
import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Answer;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.NamespaceLabels;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.SubjectGrants;
import dev.trimtab.rbac.core.UserInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Network and RBAC analysis at cluster scale, all generated deterministically (fixed seeds):
 * <ul>
 * <li><b>network</b>: 50 namespaces (labels team, env; one is kube-system with two kube-dns pods),
 * 1,000 pods (20 a namespace; labels app, tier, pod-template-hash; container ports, most named;
 * 2% without an IP yet) and 500 NetworkPolicies (10 a namespace: default-deny ingress and/or
 * egress, same-namespace and cross-namespace podSelector/namespaceSelector peers, matchExpressions,
 * ipBlock peers with except, numeric, named and endPort ranges, DNS egress, ingress+egress
 * policies without policyTypes). Everything goes through {@link NetworkModel#fromObjects} as map
 * trees, the path manifests take.</li>
 * <li><b>RBAC</b>: 2,000 roles (1,200 Roles, 24 a namespace; 800 ClusterRoles, 20 of them
 * aggregated over 200 labelled ones, plus cluster-admin and a discovery role bound to
 * system:authenticated) and 5,000 bindings (500 ClusterRoleBindings, 4,500 RoleBindings to Roles and
 * ClusterRoles), subjects Users (500), Groups (100, and system:serviceaccounts:NS) and ServiceAccounts, through {@link RbacModel#fromObjects}.</li>
 * </ul>
 * Measured, after warm-up, each on its own: the full reachability matrix of the 1,000 pods on
 * 8080/TCP (wall time, best of the runs); one {@code canReach} over 100,000 random pod pairs and
 * ports, one {@code canI} over 100,000 random identities and requests, one {@code whoCan} over
 * 20,000 random requests (each call timed with {@code nanoTime}, percentiles from the sorted
 * samples); the re-check after one object changes, 40 changes in a row after 300 of warm-up on a
 * chain of their own (p50 and max; also this thread's CPU time, p50): one pod's
 * labels changed, then {@code NetworkModel.with} and {@code IntentChecker.Checked.over} (3 network
 * intents), and for comparison {@code NetworkModel.fromObjects} over the whole list plus a full
 * {@code check}; one subject added to a binding, the same for RBAC (4 rules); and the intent
 * checks alone. Memory is an estimate from {@code Runtime} used-memory deltas after
 * {@code System.gc()}.
 *
 * <p>Run: {@code mvn -B -q -o test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java
 * -Dexec.mainClass=dev.trimtab.bench.NetworkRbacBench -Dexec.classpathScope=test} (the short
 * {@code exec:java} needs the plugin prefix resolved, which offline Maven cannot do here);
 * {@code -Dbench.only=network} or {@code rbac} runs one half. Prints one {@code RESULT ...} line last.
 */
public final class NetworkRbacBench {
    static final int NAMESPACES = 50;
    static final int PODS_PER_NS = 20;
    static final int POLICIES_PER_NS = 10;
    static final int ROLES_PER_NS = 24;
    static final int CLUSTER_ROLES = 800;
    static final int AGGREGATED = 20;
    static final int CLUSTER_BINDINGS = 500;
    static final int ROLE_BINDINGS = 4_500;
    static final int USERS = 500;
    static final int GROUPS = 100;
    static final int SAMPLES = 100_000;
    static final int WHO_SAMPLES = 20_000;
    static final int RECHECKS = 40;
    static final int WARM_UP = 300;
    static final Port MATRIX_PORT = new Port(8080, Protocol.TCP);

    static final String[] TEAMS = {
        "payments", "search", "checkout", "identity", "data", "ml", "web", "ops", "ads", "mobile"
    };
    static final String[] ENVS = {"prod", "staging", "dev"};
    /** app, tier, container ports as {name or null, number, protocol}. */
    static final String[] APPS = {"web", "api", "db", "cache", "worker", "frontend", "metrics", "queue"};

    static final String[] TIERS = {"frontend", "backend", "data", "data", "backend", "frontend", "ops", "data"};
    static final Object[][][] APP_PORTS = {
        {{"http", 8080L, "TCP"}, {"metrics", 9090L, "TCP"}},
        {{"https", 8443L, "TCP"}, {"http", 8080L, "TCP"}, {"metrics", 9090L, "TCP"}},
        {{"pg", 5432L, "TCP"}},
        {{null, 6379L, "TCP"}},
        {},
        {{"http", 8080L, "TCP"}, {null, 3000L, "TCP"}},
        {{"metrics", 9090L, "TCP"}, {"statsd", 8125L, "UDP"}},
        {{"amqp", 5672L, "TCP"}, {null, 15672L, "TCP"}, {"sctp-feed", 9999L, "SCTP"}},
    };

    public static void main(String[] args) {
        System.out.printf(
                "JDK %s, %d cores, max heap %d MiB, load average %.2f%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Map<String, Object> result = new LinkedHashMap<>();
        String only = System.getProperty("bench.only", ""); // network or rbac, to run one half
        if (!only.equals("rbac")) {
            network(result);
        }
        if (!only.equals("network")) {
            rbac(result);
        }
        System.out.printf(
                "load average at the end %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder sb = new StringBuilder("RESULT");
        result.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
    }

    // ---------------------------------------------------------------- network

    static void network(Map<String, Object> result) {
        Random rnd = new Random(42);
        List<Map<String, Object>> objects = networkObjects(rnd);
        long m0 = usedMemory();
        NetworkModel model = NetworkModel.fromObjects(objects);
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model); // builds the model's policy index
        long m1 = usedMemory();
        if (!model.errors().isEmpty()) {
            throw new IllegalStateException("generated objects rejected: " + model.errors());
        }
        List<Pod> pods = model.pods();
        System.out.printf(
                "network: %d namespaces, %d pods, %d policies, model ~%d KiB%n",
                model.namespaces().size(), pods.size(), model.policies().size(), Math.max(0, m1 - m0) >> 10);

        // the matrix: warm up, then best of the runs (at most 5, stopping after 20 s)
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        int reachable = 0;
        long budget = System.nanoTime() + 20_000_000_000L;
        for (int run = 0; run < 6 && (run < 2 || System.nanoTime() < budget); run++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            List<Verdict> m = analyzer.matrix(pods, MATRIX_PORT);
            long t = System.nanoTime() - t0;
            long ct = cpu() - c0;
            if (run > 0) {
                best = Math.min(best, t);
                bestCpu = Math.min(bestCpu, ct);
            }
            reachable = (int) m.stream().filter(Verdict::reachable).count();
            System.out.printf(
                    "  matrix run %d: %.1f ms (this thread's CPU %.1f ms; %d of %d pairs reachable)%n",
                    run, t / 1e6, ct / 1e6, reachable, m.size());
        }
        result.put("matrix_ms", fmt(best / 1e6));
        result.put("matrix_cpu_ms", fmt(bestCpu / 1e6));

        // can-reach over random pairs and ports
        Port[] ports = {
            new Port(8080, Protocol.TCP),
            new Port(9090, Protocol.TCP),
            new Port(5432, Protocol.TCP),
            new Port(53, Protocol.UDP),
            new Port(443, Protocol.TCP),
            new Port(8125, Protocol.UDP),
            new Port(9999, Protocol.SCTP),
            new Port(8050, Protocol.TCP)
        };
        Random q = new Random(7);
        int n = pods.size();
        int sink = 0;
        for (int i = 0; i < SAMPLES; i++) { // warm-up
            sink += analyzer.canReach(pods.get(q.nextInt(n)), pods.get(q.nextInt(n)), ports[q.nextInt(ports.length)])
                            .reachable()
                    ? 1
                    : 0;
        }
        long[] lat = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            Pod a = pods.get(q.nextInt(n));
            Pod b = pods.get(q.nextInt(n));
            Port p = ports[q.nextInt(ports.length)];
            long t0 = System.nanoTime();
            Verdict v = analyzer.canReach(a, b, p);
            lat[i] = System.nanoTime() - t0;
            sink += v.reachable() ? 1 : 0;
        }
        printPercentiles("can-reach (pod, pod, port)", lat);
        result.put("can_reach_p50_us", fmt(pct(lat, 50) / 1e3));
        result.put("can_reach_p99_us", fmt(pct(lat, 99) / 1e3));

        // intents, and the re-check after one pod's labels change
        List<NetworkIntent> intents =
                NetworkIntent.fromObjects(networkIntentObjects()).intents();
        if (intents.size() != 3) {
            throw new IllegalStateException("intents rejected");
        }
        int violations = 0;
        long[] check = new long[RECHECKS];
        for (int i = 0; i < RECHECKS + 5; i++) {
            long t0 = System.nanoTime();
            violations = dev.trimtab.network.core.intent.IntentChecker.check(model, intents)
                    .size();
            if (i >= 5) {
                check[i - 5] = System.nanoTime() - t0;
            }
        }
        System.out.printf(
                "  network intents (3 intents, %d violations), check alone: p50=%.2f ms max=%.2f ms%n",
                violations, pct(check, 50) / 1e6, pct(check, 100) / 1e6);
        result.put("network_check_ms", fmt(pct(check, 50) / 1e6));
        // re-check after one pod's labels change, RECHECKS changes in a row: (a) model.with(pod) and
        // checked.over(model), (b) the full path, fromObjects over the whole list and check()
        List<Integer> podIndexes = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if ("Pod".equals(objects.get(i).get("kind"))) {
                podIndexes.add(i);
            }
        }
        warmUpNetwork(objects, podIndexes, model, intents);
        long[] recheck = new long[RECHECKS];
        long[] recheckCpu = new long[RECHECKS];
        long[] full = new long[RECHECKS];
        Random c = new Random(11);
        List<List<Map<String, Object>>> states = new ArrayList<>(); // the object list after each change
        List<Map<String, Object>> changes = new ArrayList<>();
        List<Map<String, Object>> current = new ArrayList<>(objects);
        for (int i = 0; i < RECHECKS + 5; i++) {
            int at = podIndexes.get(c.nextInt(podIndexes.size()));
            Map<String, Object> changed = relabelled(current.get(at), c);
            current.set(at, changed);
            changes.add(changed);
            states.add(new ArrayList<>(current));
        }
        NetworkModel live = model;
        dev.trimtab.network.core.intent.IntentChecker.Checked checked =
                dev.trimtab.network.core.intent.IntentChecker.checked(model, intents);
        List<List<dev.trimtab.network.core.intent.IntentViolation>> seen = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            live = live.with(changes.get(i));
            checked = checked.over(live);
            long t1 = System.nanoTime();
            long c1 = cpu();
            seen.add(checked.violations());
            if (i >= 5) {
                recheck[i - 5] = t1 - t0;
                recheckCpu[i - 5] = c1 - c0;
            }
        }
        reportRecheck(
                "network",
                changes.size(),
                i -> dev.trimtab.network.core.intent.IntentChecker.check(
                        NetworkModel.fromObjects(states.get(i)), intents),
                seen,
                recheck,
                recheckCpu,
                full,
                Math.max(0, m1 - m0) >> 10,
                result);
        if (sink == 42) {
            System.out.println();
        }
    }

    /**
     * Times the full path (rebuild from all objects + check) for each change, checks it against the
     * incremental result {@code seen}, prints both and puts {@code <what>_recheck_ms} … in the result.
     */
    static void reportRecheck(
            String what,
            int changes,
            IntFunction<List<?>> fullCheck,
            List<? extends List<?>> seen,
            long[] recheck,
            long[] recheckCpu,
            long[] full,
            long modelKib,
            Map<String, Object> result) {
        for (int i = 0; i < changes; i++) {
            long t1 = System.nanoTime();
            List<?> all = fullCheck.apply(i);
            long t2 = System.nanoTime();
            if (!all.equals(seen.get(i))) {
                throw new IllegalStateException(what + ": incremental re-check differs from the full one");
            }
            if (i >= 5) {
                full[i - 5] = t2 - t1;
            }
        }
        System.out.printf(
                "  %s re-check, one object changed (with + over): p50=%.2f ms max=%.2f ms"
                        + " (this thread's CPU p50=%.2f ms)%n",
                what, pct(recheck, 50) / 1e6, pct(recheck, 100) / 1e6, pct(recheckCpu, 50) / 1e6);
        System.out.printf(
                "  %s re-check, full (fromObjects + check): p50=%.2f ms max=%.2f ms%n",
                what, pct(full, 50) / 1e6, pct(full, 100) / 1e6);
        result.put(what + "_recheck_ms", fmt(pct(recheck, 50) / 1e6));
        result.put(what + "_recheck_max_ms", fmt(pct(recheck, 100) / 1e6));
        result.put(what + "_recheck_cpu_ms", fmt(pct(recheckCpu, 50) / 1e6));
        result.put(what + "_full_recheck_ms", fmt(pct(full, 50) / 1e6));
        result.put(what + "_model_kib", modelKib);
    }

    /** WARM_UP incremental re-checks on a chain of their own, so that the measured ones run compiled code. */
    static void warmUpNetwork(
            List<Map<String, Object>> objects,
            List<Integer> podIndexes,
            NetworkModel model,
            List<NetworkIntent> intents) {
        Random w = new Random(1);
        List<Map<String, Object>> current = new ArrayList<>(objects);
        dev.trimtab.network.core.intent.IntentChecker.Checked checked =
                dev.trimtab.network.core.intent.IntentChecker.checked(model, intents);
        for (int i = 0; i < WARM_UP; i++) {
            int at = podIndexes.get(w.nextInt(podIndexes.size()));
            Map<String, Object> changed = relabelled(current.get(at), w);
            current.set(at, changed);
            model = model.with(changed);
            checked = checked.over(model);
        }
    }

    static List<Map<String, Object>> networkObjects(Random rnd) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("team", ns == 0 ? "platform" : TEAMS[ns % TEAMS.length]);
            labels.put("env", ns == 0 ? "prod" : ENVS[ns % ENVS.length]);
            if (ns % 7 == 0) {
                labels.put("pci", "true");
            }
            out.add(obj("v1", "Namespace", Map.of("name", nsName(ns), "labels", labels), null));
        }
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int k = 0; k < PODS_PER_NS; k++) {
                out.add(pod(ns, k, rnd));
            }
        }
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int k = 0; k < POLICIES_PER_NS; k++) {
                out.add(policy(ns, k, rnd));
            }
        }
        return out;
    }

    static String nsName(int ns) {
        return ns == 0 ? "kube-system" : String.format("ns-%02d", ns);
    }

    static Map<String, Object> pod(int ns, int k, Random rnd) {
        Map<String, Object> labels = new LinkedHashMap<>();
        List<Object> containerPorts = new ArrayList<>();
        if (ns == 0 && k < 2) {
            labels.put("k8s-app", "kube-dns");
            containerPorts.add(Map.of("name", "dns", "containerPort", 53L, "protocol", "UDP"));
            containerPorts.add(Map.of("name", "dns-tcp", "containerPort", 53L, "protocol", "TCP"));
        } else {
            int app = (k + rnd.nextInt(3)) % APPS.length;
            labels.put("app", APPS[app]);
            labels.put("tier", TIERS[app]);
            labels.put("pod-template-hash", "h" + rnd.nextInt(1000));
            if (rnd.nextInt(4) == 0) {
                labels.put("version", "v" + (1 + rnd.nextInt(3)));
            }
            for (Object[] p : APP_PORTS[app]) {
                Map<String, Object> cp = new LinkedHashMap<>();
                if (p[0] != null) {
                    cp.put("name", p[0]);
                }
                cp.put("containerPort", p[1]);
                if (!"TCP".equals(p[2]) || rnd.nextBoolean()) {
                    cp.put("protocol", p[2]);
                }
                containerPorts.add(cp);
            }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        if (rnd.nextInt(50) != 0) {
            String ip = "10.1." + ns + "." + (10 + k);
            status.put("podIP", ip);
            status.put("podIPs", List.of(Map.of("ip", ip)));
        }
        return obj(
                        "v1",
                        "Pod",
                        Map.of(
                                "name",
                                "p-" + k + "-" + Integer.toHexString(rnd.nextInt(1 << 16)),
                                "namespace",
                                nsName(ns),
                                "labels",
                                labels),
                        Map.of(
                                "containers",
                                List.of(Map.of(
                                        "name", "main", "image", "registry.example/app:1", "ports", containerPorts))))
                .also("status", status);
    }

    /** One of a namespace's 10 policies; the mix is by slot, the details random. */
    static Map<String, Object> policy(int ns, int k, Random rnd) {
        Map<String, Object> spec = new LinkedHashMap<>();
        String app = APPS[rnd.nextInt(APPS.length)];
        switch (k) {
            case 0 -> { // default deny ingress (2/3 of namespaces), else allow-all ingress to metrics
                if (ns % 3 != 2) {
                    spec.put("podSelector", Map.of());
                    spec.put("policyTypes", List.of("Ingress"));
                } else {
                    spec.put("podSelector", Map.of("matchLabels", Map.of("app", "metrics")));
                    spec.put("ingress", List.of(Map.of("ports", List.of(Map.of("port", "metrics")))));
                }
            }
            case 1 -> { // default deny egress in a third, with DNS allowed
                if (ns % 3 == 0) {
                    spec.put("podSelector", Map.of());
                    spec.put("policyTypes", List.of("Egress"));
                    spec.put(
                            "egress",
                            List.of(Map.of(
                                    "to",
                                            List.of(Map.of(
                                                    "namespaceSelector",
                                                    Map.of(
                                                            "matchLabels",
                                                            Map.of("kubernetes.io/metadata.name", "kube-system")),
                                                    "podSelector",
                                                    Map.of("matchLabels", Map.of("k8s-app", "kube-dns")))),
                                    "ports",
                                            List.of(
                                                    Map.of("port", 53L, "protocol", "UDP"),
                                                    Map.of("port", 53L, "protocol", "TCP")))));
                } else {
                    spec.put("podSelector", Map.of("matchLabels", Map.of("app", app)));
                    spec.put("policyTypes", List.of("Ingress"));
                    spec.put("ingress", List.of(Map.of("from", List.of(Map.of("podSelector", Map.of())))));
                }
            }
            case 2, 3 -> { // same-namespace tier access on a named port
                spec.put("podSelector", Map.of("matchLabels", Map.of("app", app)));
                spec.put(
                        "ingress",
                        List.of(Map.of(
                                "from",
                                        List.of(Map.of(
                                                "podSelector",
                                                Map.of(
                                                        "matchLabels",
                                                        Map.of("tier", rnd.nextBoolean() ? "frontend" : "backend")))),
                                "ports",
                                        List.of(
                                                Map.of("port", rnd.nextBoolean() ? "http" : "pg"),
                                                Map.of("port", 8443L, "protocol", "TCP")))));
            }
            case 4 -> { // cross-namespace: same team or env, some apps, matchExpressions
                spec.put(
                        "podSelector",
                        Map.of(
                                "matchExpressions",
                                List.of(Map.of(
                                        "key", "tier", "operator", "In", "values", List.of("backend", "data")))));
                String key = rnd.nextBoolean() ? "team" : "env";
                String value = key.equals("team") ? TEAMS[rnd.nextInt(TEAMS.length)] : ENVS[rnd.nextInt(3)];
                spec.put(
                        "ingress",
                        List.of(Map.of(
                                "from",
                                        List.of(
                                                Map.of(
                                                        "namespaceSelector",
                                                        Map.of("matchLabels", Map.of(key, value)),
                                                        "podSelector",
                                                        Map.of(
                                                                "matchExpressions",
                                                                List.of(Map.of(
                                                                        "key",
                                                                        "app",
                                                                        "operator",
                                                                        "In",
                                                                        "values",
                                                                        List.of("api", "web", "worker"))))),
                                                Map.of(
                                                        "podSelector",
                                                        Map.of(
                                                                "matchExpressions",
                                                                List.of(Map.of(
                                                                        "key", "version", "operator", "Exists"))))),
                                "ports", List.of(Map.of("port", 8000L, "endPort", 8100L), Map.of("port", 5432L)))));
            }
            case 5 -> { // ipBlock ingress with except, port range
                spec.put("podSelector", Map.of("matchLabels", Map.of("tier", "frontend")));
                spec.put("policyTypes", List.of("Ingress"));
                spec.put(
                        "ingress",
                        List.of(Map.of(
                                "from",
                                        List.of(Map.of(
                                                "ipBlock",
                                                Map.of(
                                                        "cidr",
                                                        "10.0.0.0/8",
                                                        "except",
                                                        List.of("10.1." + rnd.nextInt(NAMESPACES) + ".0/24")))),
                                "ports", List.of(Map.of("port", 8000L, "endPort", 8999L)))));
            }
            case 6 -> { // egress: to data tier in prod namespaces, and to the internet on 443
                spec.put("podSelector", Map.of("matchLabels", Map.of("tier", "backend")));
                spec.put("policyTypes", List.of("Egress"));
                spec.put(
                        "egress",
                        List.of(
                                Map.of(
                                        "to",
                                        List.of(Map.of(
                                                "namespaceSelector",
                                                Map.of("matchLabels", Map.of("env", "prod")),
                                                "podSelector",
                                                Map.of("matchLabels", Map.of("tier", "data")))),
                                        "ports",
                                        List.of(Map.of("port", "pg"), Map.of("port", 6379L))),
                                Map.of(
                                        "to",
                                        List.of(Map.of(
                                                "ipBlock",
                                                Map.of(
                                                        "cidr",
                                                        "0.0.0.0/0",
                                                        "except",
                                                        List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")))),
                                        "ports",
                                        List.of(Map.of("port", 443L)))));
            }
            case 7 -> { // ingress + egress without policyTypes
                spec.put("podSelector", Map.of("matchLabels", Map.of("app", app)));
                spec.put(
                        "ingress",
                        List.of(Map.of(
                                "from",
                                List.of(Map.of(
                                        "namespaceSelector",
                                        Map.of(
                                                "matchExpressions",
                                                List.of(Map.of(
                                                        "key",
                                                        "team",
                                                        "operator",
                                                        "NotIn",
                                                        "values",
                                                        List.of(TEAMS[rnd.nextInt(TEAMS.length)])))))))));
                spec.put(
                        "egress",
                        List.of(
                                Map.of(
                                        "to",
                                        List.of(Map.of("podSelector", Map.of())),
                                        "ports",
                                        List.of(Map.of("port", "http"), Map.of("port", 8443L))),
                                Map.of("ports", List.of(Map.of("port", 53L, "protocol", "UDP")))));
            }
            case 8 -> { // monitoring: any namespace with pci label can scrape, UDP statsd, SCTP feed
                spec.put("podSelector", Map.of("matchLabels", Map.of("app", rnd.nextBoolean() ? "metrics" : "queue")));
                spec.put(
                        "ingress",
                        List.of(
                                Map.of(
                                        "from",
                                        List.of(Map.of(
                                                "namespaceSelector", Map.of("matchLabels", Map.of("pci", "true")))),
                                        "ports",
                                        List.of(
                                                Map.of("port", "metrics"),
                                                Map.of("port", "statsd", "protocol", "UDP"))),
                                Map.of(
                                        "from",
                                        List.of(Map.of("namespaceSelector", Map.of())),
                                        "ports",
                                        List.of(Map.of("protocol", "SCTP")))));
            }
            default -> { // allow from a named namespace and an ipBlock, deny-all egress for one app
                if (rnd.nextInt(4) == 0) {
                    spec.put("podSelector", Map.of("matchLabels", Map.of("app", app)));
                    spec.put("policyTypes", List.of("Ingress", "Egress"));
                } else {
                    spec.put("podSelector", Map.of("matchLabels", Map.of("app", app)));
                    spec.put(
                            "ingress",
                            List.of(Map.of(
                                    "from",
                                    List.of(
                                            Map.of(
                                                    "namespaceSelector",
                                                    Map.of(
                                                            "matchLabels",
                                                            Map.of(
                                                                    "kubernetes.io/metadata.name",
                                                                    nsName(rnd.nextInt(NAMESPACES))))),
                                            Map.of(
                                                    "ipBlock",
                                                    Map.of("cidr", "10.1." + rnd.nextInt(NAMESPACES) + ".0/24"))))));
                }
            }
        }
        return obj("networking.k8s.io/v1", "NetworkPolicy", Map.of("name", "np-" + k, "namespace", nsName(ns)), spec);
    }

    /** The same pod with its app (and tier) changed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> relabelled(Map<String, Object> pod, Random rnd) {
        Map<String, Object> out = new LinkedHashMap<>(pod);
        Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) pod.get("metadata"));
        Map<String, Object> labels = new LinkedHashMap<>((Map<String, Object>) meta.get("labels"));
        int app = rnd.nextInt(APPS.length);
        labels.put("app", APPS[app]);
        labels.put("tier", TIERS[app]);
        meta.put("labels", labels);
        out.put("metadata", meta);
        return out;
    }

    static List<Map<String, Object>> networkIntentObjects() {
        return List.of(
                intent(
                        "prod-baseline",
                        Map.of(
                                "defaultDeny",
                                Map.of(
                                        "namespaceSelector", Map.of("matchLabels", Map.of("env", "prod")),
                                        "directions", List.of("Ingress", "Egress")))),
                intent(
                        "checkout-db",
                        Map.of(
                                "onlyFrom",
                                Map.of(
                                        "to",
                                                Map.of(
                                                        "namespaceSelector",
                                                        Map.of("matchLabels", Map.of("team", "checkout")),
                                                        "podSelector",
                                                        Map.of("matchLabels", Map.of("app", "db"))),
                                        "port", 5432L,
                                        "from",
                                                List.of(Map.of(
                                                        "podSelector",
                                                        Map.of("matchLabels", Map.of("tier", "backend"))))))),
                intent(
                        "tenancy",
                        Map.of(
                                "deny",
                                Map.of(
                                        "from",
                                                Map.of(
                                                        "namespaceSelector",
                                                        Map.of("matchLabels", Map.of("team", "ads"))),
                                        "to",
                                                Map.of(
                                                        "namespaceSelector",
                                                        Map.of("matchLabels", Map.of("team", "payments")))))));
    }

    static Map<String, Object> intent(String name, Map<String, Object> rule) {
        return obj(
                NetworkIntent.API_VERSION,
                NetworkIntent.KIND,
                Map.of("name", name),
                Map.of("mode", "Audit", "rules", List.of(rule)));
    }

    // ---------------------------------------------------------------- RBAC

    static final String[][] RESOURCES = {
        {"", "pods"},
        {"", "pods/log"},
        {"", "pods/exec"},
        {"", "services"},
        {"", "configmaps"},
        {"", "secrets"},
        {"", "serviceaccounts"},
        {"", "events"},
        {"", "persistentvolumeclaims"},
        {"apps", "deployments"},
        {"apps", "deployments/scale"},
        {"apps", "statefulsets"},
        {"apps", "replicasets"},
        {"batch", "jobs"},
        {"batch", "cronjobs"},
        {"networking.k8s.io", "networkpolicies"},
        {"networking.k8s.io", "ingresses"},
        {"autoscaling", "horizontalpodautoscalers"},
        {"policy", "poddisruptionbudgets"},
        {"rbac.authorization.k8s.io", "roles"},
        {"rbac.authorization.k8s.io", "rolebindings"},
        {"trimtab.dev", "scalingpolicies"},
        {"monitoring.coreos.com", "servicemonitors"},
    };
    static final String[] READ = {"get", "list", "watch"};
    static final String[] WRITE = {"create", "update", "patch", "delete"};
    static final String[] VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"};
    static final String[] URLS = {"/healthz", "/metrics", "/version", "/api", "/apis/apps", "/logs/kube"};

    static void rbac(Map<String, Object> result) {
        Random rnd = new Random(4242);
        List<Map<String, Object>> objects = rbacObjects(rnd);
        long m0 = usedMemory();
        RbacModel model = RbacModel.fromObjects(objects);
        Authorizer authorizer = new Authorizer(model);
        authorizer.canI(
                UserInfo.authenticated("user-1", List.of()),
                AccessRequest.resource("get", "", "pods", "", "", nsName(1))); // builds the model's binding index
        long m1 = usedMemory();
        if (!model.errors().isEmpty()) {
            throw new IllegalStateException(
                    "generated objects rejected: " + model.errors().subList(0, 3));
        }
        System.out.printf(
                "rbac: %d roles, %d bindings, %d warnings, model ~%d KiB%n",
                model.roles().size(), model.bindings().size(), model.warnings().size(), Math.max(0, m1 - m0) >> 10);

        Random q = new Random(99);
        int sink = 0;
        int allowed = 0;
        for (int i = 0; i < SAMPLES; i++) { // warm-up
            sink += authorizer.canI(randomUser(q), randomRequest(q)).grants().size();
        }
        long[] lat = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            UserInfo u = randomUser(q);
            AccessRequest r = randomRequest(q);
            long t0 = System.nanoTime();
            Answer a = authorizer.canI(u, r);
            lat[i] = System.nanoTime() - t0;
            allowed += a.allowed() ? 1 : 0;
        }
        printPercentiles("can-i (user, request), " + (100L * allowed / SAMPLES) + "% allowed", lat);
        result.put("can_i_p50_us", fmt(pct(lat, 50) / 1e3));
        result.put("can_i_p99_us", fmt(pct(lat, 99) / 1e3));

        for (int i = 0; i < WHO_SAMPLES; i++) { // warm-up
            sink += authorizer.whoCan(randomRequest(q)).size();
        }
        long[] who = new long[WHO_SAMPLES];
        long subjects = 0;
        for (int i = 0; i < WHO_SAMPLES; i++) {
            AccessRequest r = randomRequest(q);
            long t0 = System.nanoTime();
            List<SubjectGrants> s = authorizer.whoCan(r);
            who[i] = System.nanoTime() - t0;
            subjects += s.size();
        }
        printPercentiles("who-can (request), " + (subjects / WHO_SAMPLES) + " subjects on average", who);
        result.put("who_can_p50_us", fmt(pct(who, 50) / 1e3));
        result.put("who_can_p99_us", fmt(pct(who, 99) / 1e3));

        NamespaceLabels namespaces = NamespaceLabels.fromObjects(objects);
        List<RbacIntent> intents = RbacIntent.fromObjects(rbacIntentObjects()).intents();
        if (intents.size() != 1) {
            throw new IllegalStateException("RBAC intents rejected: "
                    + RbacIntent.fromObjects(rbacIntentObjects()).errors());
        }
        int violations = 0;
        long[] check = new long[RECHECKS];
        for (int i = 0; i < RECHECKS + 5; i++) {
            long t0 = System.nanoTime();
            violations = dev.trimtab.rbac.core.IntentChecker.check(model, namespaces, intents)
                    .size();
            if (i >= 5) {
                check[i - 5] = System.nanoTime() - t0;
            }
        }
        System.out.printf(
                "  rbac intents (4 rules, %d violations), check alone: p50=%.2f ms max=%.2f ms%n",
                violations, pct(check, 50) / 1e6, pct(check, 100) / 1e6);
        result.put("rbac_check_ms", fmt(pct(check, 50) / 1e6));

        // re-check after one binding gets one more subject, RECHECKS changes in a row: (a) model.with
        // and checked.over, (b) the full path, fromObjects over the whole list and check()
        List<Integer> bindingIndexes = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (String.valueOf(objects.get(i).get("kind")).endsWith("Binding")) {
                bindingIndexes.add(i);
            }
        }
        warmUpRbac(objects, bindingIndexes, model, namespaces, intents);
        long[] recheck = new long[RECHECKS];
        long[] recheckCpu = new long[RECHECKS];
        long[] full = new long[RECHECKS];
        Random c = new Random(13);
        List<List<Map<String, Object>>> states = new ArrayList<>(); // the object list after each change
        List<Map<String, Object>> changes = new ArrayList<>();
        List<Map<String, Object>> current = new ArrayList<>(objects);
        for (int i = 0; i < RECHECKS + 5; i++) {
            int at = bindingIndexes.get(c.nextInt(bindingIndexes.size()));
            Map<String, Object> changed = withSubject(current.get(at), c);
            current.set(at, changed);
            changes.add(changed);
            states.add(new ArrayList<>(current));
        }
        RbacModel live = model;
        dev.trimtab.rbac.core.IntentChecker.Checked checked =
                dev.trimtab.rbac.core.IntentChecker.checked(model, namespaces, intents);
        List<List<dev.trimtab.rbac.core.IntentViolation>> seen = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            live = live.with(changes.get(i));
            checked = checked.over(live, namespaces);
            long t1 = System.nanoTime();
            long c1 = cpu();
            seen.add(checked.violations());
            if (i >= 5) {
                recheck[i - 5] = t1 - t0;
                recheckCpu[i - 5] = c1 - c0;
            }
        }
        reportRecheck(
                "rbac",
                changes.size(),
                i -> dev.trimtab.rbac.core.IntentChecker.check(
                        RbacModel.fromObjects(states.get(i)), namespaces, intents),
                seen,
                recheck,
                recheckCpu,
                full,
                Math.max(0, m1 - m0) >> 10,
                result);
        if (sink == 42) {
            System.out.println();
        }
    }

    /** WARM_UP incremental re-checks on a chain of their own, so that the measured ones run compiled code. */
    static void warmUpRbac(
            List<Map<String, Object>> objects,
            List<Integer> bindingIndexes,
            RbacModel model,
            NamespaceLabels namespaces,
            List<RbacIntent> intents) {
        Random w = new Random(1);
        List<Map<String, Object>> current = new ArrayList<>(objects);
        dev.trimtab.rbac.core.IntentChecker.Checked checked =
                dev.trimtab.rbac.core.IntentChecker.checked(model, namespaces, intents);
        for (int i = 0; i < WARM_UP; i++) {
            int at = bindingIndexes.get(w.nextInt(bindingIndexes.size()));
            Map<String, Object> changed = withSubject(current.get(at), w);
            current.set(at, changed);
            model = model.with(changed);
            checked = checked.over(model, namespaces);
        }
    }

    static List<Map<String, Object>> rbacObjects(Random rnd) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            out.add(obj(
                    "v1",
                    "Namespace",
                    Map.of(
                            "name",
                            nsName(ns),
                            "labels",
                            Map.of(
                                    "team", ns == 0 ? "platform" : TEAMS[ns % TEAMS.length],
                                    "env", ns == 0 ? "prod" : ENVS[ns % ENVS.length])),
                    null));
        }
        String g = "rbac.authorization.k8s.io/v1";
        // ClusterRoles: cluster-admin, 20 aggregated, 200 labelled for aggregation, the rest plain
        out.add(rbacObj(
                g,
                "ClusterRole",
                "cluster-admin",
                null,
                Map.of(),
                List.of(rule(List.of("*"), List.of("*"), List.of("*"), List.of())),
                null));
        for (int i = 0; i < AGGREGATED; i++) {
            Map<String, Object> agg = Map.of(
                    "clusterRoleSelectors",
                    List.of(
                            Map.of("matchLabels", Map.of("rbac.example/aggregate-to-" + i, "true")),
                            Map.of(
                                    "matchLabels",
                                    Map.of("rbac.example/aggregate-to-" + ((i + 1) % AGGREGATED), "true"))));
            Map<String, Object> o = rbacObj(g, "ClusterRole", "aggregate-" + i, null, Map.of(), List.of(), null);
            o.put("aggregationRule", agg);
            out.add(o);
        }
        out.add(rbacObj(
                g,
                "ClusterRole",
                "discovery",
                null,
                Map.of(),
                List.of(Map.of(
                        "verbs",
                        List.of("get"),
                        "nonResourceURLs",
                        List.of("/api", "/api/*", "/apis", "/apis/*", "/healthz", "/version"))),
                null));
        for (int i = 0; i < CLUSTER_ROLES - AGGREGATED - 2; i++) {
            Map<String, Object> labels =
                    i < 200 ? Map.of("rbac.example/aggregate-to-" + (i % AGGREGATED), "true") : Map.of();
            out.add(rbacObj(g, "ClusterRole", "cr-" + i, null, labels, rules(rnd, true), null));
        }
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int k = 0; k < ROLES_PER_NS; k++) {
                out.add(rbacObj(g, "Role", "role-" + k, nsName(ns), Map.of(), rules(rnd, false), null));
            }
        }
        for (int i = 0; i < CLUSTER_BINDINGS; i++) {
            String role = i == 0
                    ? "cluster-admin"
                    : i == 1
                            ? "discovery"
                            : i < 30
                                    ? "aggregate-" + (i % AGGREGATED)
                                    : "cr-" + rnd.nextInt(CLUSTER_ROLES - AGGREGATED - 2);
            List<Object> subjects = i == 1
                    ? List.of(Map.of(
                            "kind", "Group", "name", "system:authenticated", "apiGroup", "rbac.authorization.k8s.io"))
                    : subjects(rnd, null, i == 0);
            out.add(rbacObj(
                    g, "ClusterRoleBinding", "crb-" + i, null, Map.of(), null, binding("ClusterRole", role, subjects)));
        }
        for (int i = 0; i < ROLE_BINDINGS; i++) {
            int ns = i % NAMESPACES;
            boolean toRole = rnd.nextInt(3) != 0;
            String role = toRole
                    ? "role-" + rnd.nextInt(ROLES_PER_NS)
                    : rnd.nextInt(10) == 0
                            ? "aggregate-" + rnd.nextInt(AGGREGATED)
                            : "cr-" + rnd.nextInt(CLUSTER_ROLES - AGGREGATED - 2);
            out.add(rbacObj(
                    g,
                    "RoleBinding",
                    "rb-" + i,
                    nsName(ns),
                    Map.of(),
                    null,
                    binding(toRole ? "Role" : "ClusterRole", role, subjects(rnd, nsName(ns), false))));
        }
        return out;
    }

    static List<Object> rules(Random rnd, boolean cluster) {
        List<Object> out = new ArrayList<>();
        int n = 1 + rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(20);
            if (cluster && kind == 0) {
                out.add(Map.of(
                        "verbs",
                        List.of("get"),
                        "nonResourceURLs",
                        List.of(URLS[rnd.nextInt(URLS.length)], rnd.nextBoolean() ? "/apis/*" : "/readyz")));
                continue;
            }
            String[] res = RESOURCES[rnd.nextInt(RESOURCES.length)];
            List<String> verbs = kind < 10
                    ? List.of(READ)
                    : kind < 17 ? pick(rnd, VERBS, 1 + rnd.nextInt(4)) : kind < 19 ? List.of(WRITE) : List.of("*");
            List<String> resources = kind == 19 && rnd.nextBoolean()
                    ? List.of("*")
                    : rnd.nextInt(4) == 0
                            ? List.of(res[1], RESOURCES[rnd.nextInt(RESOURCES.length)][1])
                            : List.of(res[1]);
            List<String> names = rnd.nextInt(10) == 0 ? List.of("name-" + rnd.nextInt(5)) : List.of();
            out.add(rule(verbs, List.of(res[0]), resources, names));
        }
        return out;
    }

    static List<String> pick(Random rnd, String[] from, int n) {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            String s = from[rnd.nextInt(from.length)];
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    static Map<String, Object> rule(
            List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("apiGroups", groups);
        r.put("resources", resources);
        if (!names.isEmpty()) {
            r.put("resourceNames", names);
        }
        r.put("verbs", verbs);
        return r;
    }

    static List<Object> subjects(Random rnd, String namespace, boolean admin) {
        List<Object> out = new ArrayList<>();
        if (admin) {
            out.add(Map.of("kind", "Group", "name", "platform-admins", "apiGroup", "rbac.authorization.k8s.io"));
            out.add(Map.of("kind", "User", "name", "user-0", "apiGroup", "rbac.authorization.k8s.io"));
            return out;
        }
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(20);
            if (kind < 8) {
                out.add(Map.of(
                        "kind", "User", "name", "user-" + rnd.nextInt(USERS), "apiGroup", "rbac.authorization.k8s.io"));
            } else if (kind < 13) {
                out.add(Map.of(
                        "kind",
                        "Group",
                        "name",
                        "group-" + rnd.nextInt(GROUPS),
                        "apiGroup",
                        "rbac.authorization.k8s.io"));
            } else if (kind < 19) {
                String ns = namespace != null && rnd.nextInt(4) != 0 ? namespace : nsName(rnd.nextInt(NAMESPACES));
                out.add(Map.of("kind", "ServiceAccount", "name", "sa-" + rnd.nextInt(5), "namespace", ns));
            } else {
                out.add(Map.of(
                        "kind",
                        "Group",
                        "name",
                        "system:serviceaccounts:" + nsName(rnd.nextInt(NAMESPACES)),
                        "apiGroup",
                        "rbac.authorization.k8s.io"));
            }
        }
        return out;
    }

    static Map<String, Object> binding(String roleKind, String role, List<Object> subjects) {
        return Map.of(
                "roleRef",
                Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", roleKind, "name", role),
                "subjects",
                subjects);
    }

    static Map<String, Object> rbacObj(
            String apiVersion,
            String kind,
            String name,
            String namespace,
            Map<String, Object> labels,
            List<Object> rules,
            Map<String, Object> binding) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        if (!labels.isEmpty()) {
            meta.put("labels", labels);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", meta);
        if (rules != null) {
            o.put("rules", rules);
        }
        if (binding != null) {
            o.putAll(binding);
        }
        return o;
    }

    /** The same binding with one more subject. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withSubject(Map<String, Object> binding, Random rnd) {
        Map<String, Object> out = new LinkedHashMap<>(binding);
        List<Object> subjects = new ArrayList<>((List<Object>) binding.get("subjects"));
        subjects.add(
                rnd.nextBoolean()
                        ? Map.of(
                                "kind",
                                "User",
                                "name",
                                "user-" + rnd.nextInt(USERS),
                                "apiGroup",
                                "rbac.authorization.k8s.io")
                        : Map.of(
                                "kind",
                                "ServiceAccount",
                                "name",
                                "sa-9",
                                "namespace",
                                nsName(rnd.nextInt(NAMESPACES))));
        out.put("subjects", subjects);
        return out;
    }

    static List<Map<String, Object>> rbacIntentObjects() {
        return List.of(obj(
                RbacIntent.API_VERSION,
                RbacIntent.KIND,
                Map.of("name", "platform"),
                Map.of(
                        "mode",
                        "Enforce",
                        "rules",
                        List.of(
                                Map.of(
                                        "onlySubjects",
                                        Map.of(
                                                "role", Map.of("kind", "ClusterRole", "name", "cluster-admin"),
                                                "allowed",
                                                        List.of(Map.of("kind", "Group", "name", "platform-admins")))),
                                Map.of(
                                        "forbidAccess",
                                        Map.of(
                                                "subjects",
                                                Map.of(
                                                        "kind",
                                                        "ServiceAccount",
                                                        "exceptNamespaces",
                                                        List.of("kube-system")),
                                                "verbs",
                                                List.of("get", "list", "watch"),
                                                "resource",
                                                "secrets",
                                                "scope",
                                                "Cluster")),
                                Map.of(
                                        "forbidWildcards",
                                        Map.of("namespaceSelector", Map.of("matchLabels", Map.of("env", "prod")))),
                                Map.of(
                                        "forbidFindings",
                                        Map.of(
                                                "codes", List.of("Escalate", "Bind", "Impersonate"),
                                                "exceptSubjects",
                                                        List.of(Map.of(
                                                                "kind", "Group", "name", "platform-admins"))))))));
    }

    static UserInfo randomUser(Random q) {
        int kind = q.nextInt(10);
        if (kind < 6) {
            List<String> groups = new ArrayList<>();
            int n = q.nextInt(4);
            for (int i = 0; i < n; i++) {
                groups.add("group-" + q.nextInt(GROUPS));
            }
            return UserInfo.authenticated("user-" + q.nextInt(USERS), groups);
        }
        return UserInfo.serviceAccount(nsName(q.nextInt(NAMESPACES)), "sa-" + q.nextInt(5));
    }

    static AccessRequest randomRequest(Random q) {
        if (q.nextInt(50) == 0) {
            return AccessRequest.nonResource("get", URLS[q.nextInt(URLS.length)]);
        }
        String[] res = RESOURCES[q.nextInt(RESOURCES.length)];
        String resource = res[1];
        String sub = "";
        int slash = resource.indexOf('/');
        if (slash > 0) {
            sub = resource.substring(slash + 1);
            resource = resource.substring(0, slash);
        }
        String verb = VERBS[q.nextInt(VERBS.length)];
        String name = verb.equals("get") || verb.equals("update") ? "name-" + q.nextInt(8) : "";
        String namespace = q.nextInt(10) == 0 ? "" : nsName(q.nextInt(NAMESPACES));
        return AccessRequest.resource(verb, res[0], resource, sub, name, namespace);
    }

    // ---------------------------------------------------------------- helpers

    static final class Obj extends LinkedHashMap<String, Object> {
        Obj also(String key, Object value) {
            put(key, value);
            return this;
        }
    }

    static Obj obj(String apiVersion, String kind, Map<String, Object> metadata, Map<String, Object> spec) {
        Obj o = new Obj();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", metadata);
        if (spec != null) {
            o.put("spec", spec);
        }
        return o;
    }

    static long pct(long[] samples, int p) {
        long[] s = samples.clone();
        Arrays.sort(s);
        int i = p >= 100 ? s.length - 1 : (int) Math.min(s.length - 1, (long) s.length * p / 100);
        return s[i];
    }

    static void printPercentiles(String what, long[] lat) {
        System.out.printf(
                "  %s: n=%d p50=%.2f us p90=%.2f us p99=%.2f us max=%.1f us%n",
                what, lat.length, pct(lat, 50) / 1e3, pct(lat, 90) / 1e3, pct(lat, 99) / 1e3, pct(lat, 100) / 1e3);
    }

    static String fmt(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** This thread's CPU time: what the figures would be with the cores to itself (GC and waiting excluded). */
    static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
