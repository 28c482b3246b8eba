package dev.trimtab.network.core.intent;

import dev.trimtab.kube.IpAddress;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Endpoint;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.NetworkPolicy;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.SideVerdict;
import dev.trimtab.network.core.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks NetworkIntents against a {@link NetworkModel} with {@link ReachabilityAnalyzer}: every
 * violation with the flow at fault and the policies that allow or block it. Violations come in
 * intent order, then rule order, then pod order of the model; a pod to itself is never probed
 * (CNIs differ on loopback). What each rule probes is in the package documentation.
 *
 * <p>{@link #checked} keeps the violations of each rule by the pods they concern, so that
 * {@link Checked#over} can check a changed model again by probing only the flows of the pods that
 * changed: when the namespaces and policies are the same and the pods are the same ones in the same
 * order, a flow between two unchanged pods has the same verdict, and everything a rule selects by
 * namespace stays selected. Any other change is checked in full. Either way the violations are
 * those {@link #check} gives for the new model.
 */
public final class IntentChecker {
    /** The outside address an {@code onlyFrom} rule is also probed from (TEST-NET-3, RFC 5737). */
    public static final IpAddress EXTERNAL_PROBE = IpAddress.parse("203.0.113.1");
    /** The port a {@code deny} rule probes on every protocol besides the destination's declared ports. */
    public static final int PROBE_PORT = 65535;
    /** More changed pods than this: a full check is cheaper than the updates. */
    private static final int MAX_CHANGED = 32;

    private IntentChecker() {}

    public static List<IntentViolation> check(NetworkModel model, List<NetworkIntent> intents) {
        return checked(model, intents).violations();
    }

    /** {@link #check}, kept so that it can be brought up to date after a change ({@link Checked#over}). */
    public static Checked checked(NetworkModel model, List<NetworkIntent> intents) {
        Probes p = new Probes(model);
        List<Block> blocks = new ArrayList<>();
        for (NetworkIntent intent : intents) {
            for (int i = 0; i < intent.rules().size(); i++) {
                Ctx ctx = new Ctx(intent, i);
                IntentRule rule = intent.rules().get(i);
                Block b = rule instanceof IntentRule.DefaultDeny d
                        ? new DefaultDenyBlock(ctx, d)
                        : rule instanceof IntentRule.OnlyFrom o
                                ? new OnlyFromBlock(ctx, o)
                                : new DenyBlock(ctx, (IntentRule.Deny) rule);
                b.fill(p);
                blocks.add(b);
            }
        }
        return new Checked(model, List.copyOf(intents), blocks);
    }

    /** The violations of some intents over one model. Immutable. */
    public static final class Checked {
        private final NetworkModel model;
        private final List<NetworkIntent> intents;
        private final List<Block> blocks;
        private final List<IntentViolation> violations;

        private Checked(NetworkModel model, List<NetworkIntent> intents, List<Block> blocks) {
            this.model = model;
            this.intents = intents;
            this.blocks = blocks;
            List<IntentViolation> out = new ArrayList<>();
            blocks.forEach(b -> b.collect(out));
            this.violations = List.copyOf(out);
        }

        public List<IntentViolation> violations() {
            return violations;
        }

        public NetworkModel model() {
            return model;
        }

        /**
         * The same intents checked over {@code next}: {@code check(next, intents)}. When
         * {@code next} differs from this model only in the content of some pods (same namespaces,
         * same policies, the same pods in the same order), only the flows from and to those pods
         * are probed again.
         */
        public Checked over(NetworkModel next) {
            int[] changed = changedPods(model, next);
            if (changed == null) {
                return checked(next, intents);
            }
            Probes p = new Probes(next);
            List<Block> updated = new ArrayList<>(blocks.size());
            for (Block b : blocks) {
                Block c = b.copy();
                for (int x : changed) {
                    if (!c.update(p, x)) {
                        c.fill(p);
                        break;
                    }
                }
                updated.add(c);
            }
            return new Checked(next, intents, updated);
        }
    }

    /**
     * The positions of the pods whose content differs, when that is the only difference between
     * the models and there are few; null when the change needs a full check.
     */
    private static int[] changedPods(NetworkModel before, NetworkModel after) {
        if (before == after) {
            return new int[0];
        }
        if (!before.namespaces().equals(after.namespaces())) {
            return null;
        }
        List<NetworkPolicy> pa = before.policies();
        List<NetworkPolicy> pb = after.policies();
        if (pa.size() != pb.size()) {
            return null;
        }
        for (int i = 0; i < pa.size(); i++) {
            if (pa.get(i) != pb.get(i) && !pa.get(i).equals(pb.get(i))) {
                return null;
            }
        }
        List<Pod> a = before.pods();
        List<Pod> b = after.pods();
        if (a.size() != b.size()) {
            return null;
        }
        int[] changed = new int[MAX_CHANGED];
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            Pod x = a.get(i);
            Pod y = b.get(i);
            if (x == y) {
                continue;
            }
            if (!x.namespace().equals(y.namespace()) || !x.name().equals(y.name())) {
                return null;
            }
            if (x.equals(y)) {
                continue;
            }
            // the outside probe is the pod with its address, if any: a change there moves it
            if (n == MAX_CHANGED || x.ips().contains(EXTERNAL_PROBE) || y.ips().contains(EXTERNAL_PROBE)) {
                return null;
            }
            changed[n++] = i;
        }
        return Arrays.copyOf(changed, n);
    }

    private record Ctx(NetworkIntent intent, int index) {
        String where() {
            return NetworkIntent.KIND + " " + intent.name() + " spec.rules[" + index + "] ("
                    + intent.rules().get(index).kind() + ")";
        }
    }

    /** What probing one model needs: its pods by position, the analyzer, the outside probe. */
    private static final class Probes {
        final NetworkModel model;
        final ReachabilityAnalyzer analyzer;
        final List<Pod> pods;
        final Endpoint[] endpoints;
        /** The source standing for the outside, probed after every pod. */
        final Endpoint external;

        Probes(NetworkModel model) {
            this.model = model;
            this.analyzer = new ReachabilityAnalyzer(model);
            this.pods = model.pods();
            this.endpoints = new Endpoint[pods.size()];
            for (int i = 0; i < endpoints.length; i++) {
                endpoints[i] = new Endpoint.PodEndpoint(pods.get(i));
            }
            this.external = model.endpointFor(EXTERNAL_PROBE);
        }

        int size() {
            return pods.size();
        }
    }

    /**
     * One row of violations: those of one pod against other ends, by the other end's position
     * (ascending, as they are probed).
     */
    private static final class Row {
        private int[] at = new int[4];
        private IntentViolation[] v = new IntentViolation[4];
        private int size;

        Row copy() {
            Row r = new Row();
            r.at = at.clone();
            r.v = v.clone();
            r.size = size;
            return r;
        }

        /** Appends: positions come in ascending order while a row is filled. */
        void add(int position, IntentViolation violation) {
            if (violation == null) {
                return;
            }
            grow();
            at[size] = position;
            v[size++] = violation;
        }

        /** Sets the violation at {@code position} (null: none), keeping the order. */
        void set(int position, IntentViolation violation) {
            int i = Arrays.binarySearch(at, 0, size, position);
            if (i >= 0) {
                if (violation != null) {
                    v[i] = violation;
                } else {
                    System.arraycopy(at, i + 1, at, i, size - i - 1);
                    System.arraycopy(v, i + 1, v, i, size - i - 1);
                    v[--size] = null;
                }
            } else if (violation != null) {
                int ins = -i - 1;
                grow();
                System.arraycopy(at, ins, at, ins + 1, size - ins);
                System.arraycopy(v, ins, v, ins + 1, size - ins);
                at[ins] = position;
                v[ins] = violation;
                size++;
            }
        }

        void collect(List<IntentViolation> out) {
            for (int i = 0; i < size; i++) {
                out.add(v[i]);
            }
        }

        private void grow() {
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
                v = Arrays.copyOf(v, size * 2);
            }
        }
    }

    /** The violations of {@code rows}, in order, skipping rows not filled. */
    private static void collectRows(Row[] rows, List<IntentViolation> out) {
        for (Row r : rows) {
            if (r != null) {
                r.collect(out);
            }
        }
    }

    /** The violations of {@code grid}, row by row, skipping empty rows and cells. */
    private static void collectGrid(IntentViolation[][] grid, List<IntentViolation> out) {
        for (IntentViolation[] row : grid) {
            if (row != null) {
                for (IntentViolation v : row) {
                    if (v != null) {
                        out.add(v);
                    }
                }
            }
        }
    }

    private static Row[] copy(Row[] rows) {
        Row[] out = new Row[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i] == null ? null : rows[i].copy();
        }
        return out;
    }

    /** The violations of one rule, by pod. */
    private abstract static class Block {
        final Ctx ctx;

        Block(Ctx ctx) {
            this.ctx = ctx;
        }

        /** Checks the rule in full over {@code p}'s model. */
        abstract void fill(Probes p);

        /**
         * Checks again every flow from or to the pod at {@code x}, the only pods that changed being
         * at positions given to this or later calls; false when that is not enough (fill instead).
         */
        abstract boolean update(Probes p, int x);

        abstract Block copy();

        /** The violations, in the order the rule is checked. */
        abstract void collect(List<IntentViolation> out);
    }

    /**
     * defaultDeny: per direction, the pods not isolated; then per pod, per DNS server and protocol
     * (UDP then TCP), the DNS flows blocked.
     */
    private static final class DefaultDenyBlock extends Block {
        private final IntentRule.DefaultDeny rule;
        private boolean[] selected;
        private IntentViolation[][] isolation;
        private int[] servers;
        private IntentViolation[][] dns;

        DefaultDenyBlock(Ctx ctx, IntentRule.DefaultDeny rule) {
            super(ctx);
            this.rule = rule;
        }

        @Override
        void fill(Probes p) {
            int n = p.size();
            selected = new boolean[n];
            for (int i = 0; i < n; i++) {
                Pod pod = p.pods.get(i);
                selected[i] = rule.namespaceSelector().matches(p.model.namespaceLabels(pod.namespace()));
            }
            isolation = new IntentViolation[Direction.values().length][];
            for (Direction d : Direction.values()) {
                if (rule.directions().contains(d)) {
                    isolation[d.ordinal()] = new IntentViolation[n];
                    for (int i = 0; i < n; i++) {
                        isolation[d.ordinal()][i] = selected[i] ? notIsolated(p, i, d) : null;
                    }
                }
            }
            servers = new int[0];
            dns = null;
            if (rule.allowDNS() && rule.directions().contains(Direction.Egress)) {
                List<Integer> s = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (isDns(p.pods.get(i))) {
                        s.add(i);
                    }
                }
                servers = s.stream().mapToInt(Integer::intValue).toArray();
                dns = new IntentViolation[n][];
                for (int i = 0; i < n; i++) {
                    if (selected[i]) {
                        dnsRow(p, i);
                    }
                }
            }
        }

        private static boolean isDns(Pod pod) {
            return pod.namespace().equals(IntentRule.DefaultDeny.DNS_NAMESPACE)
                    && IntentRule.DefaultDeny.DNS_POD_LABEL.equals(
                            pod.labels().get(IntentRule.DefaultDeny.DNS_POD_LABEL_KEY));
        }

        private IntentViolation notIsolated(Probes p, int i, Direction d) {
            Pod pod = p.pods.get(i);
            if (p.analyzer.isolated(pod, d)) {
                return null;
            }
            String from = d == Direction.Ingress ? "*" : pod.key();
            String to = d == Direction.Ingress ? pod.key() : "*";
            return new IntentViolation(
                    ctx.intent().name(),
                    ctx.intent().mode(),
                    ctx.index(),
                    "defaultDeny",
                    IntentViolation.Code.NotIsolated,
                    from,
                    to,
                    null,
                    d,
                    List.of(),
                    List.of(),
                    ctx.where() + ": " + pod.key() + " is not isolated for "
                            + d.name().toLowerCase(Locale.ROOT) + ": no policy selects it");
        }

        private void dnsRow(Probes p, int i) {
            IntentViolation[] row = new IntentViolation[servers.length * 2];
            boolean any = false;
            for (int k = 0; k < servers.length; k++) {
                for (int proto = 0; proto < 2; proto++) {
                    row[2 * k + proto] = dnsFlow(p, i, servers[k], proto);
                    any |= row[2 * k + proto] != null;
                }
            }
            dns[i] = any ? row : null;
        }

        private IntentViolation dnsFlow(Probes p, int i, int server, int proto) {
            Port port = new Port(53, proto == 0 ? Protocol.UDP : Protocol.TCP);
            Endpoint from = p.endpoints[i];
            Endpoint to = p.endpoints[server];
            if (!p.pods.get(i).equals(p.pods.get(server)) && !p.analyzer.reachable(from, to, port)) {
                return blocked(ctx, p.analyzer.canReach(from, to, port), "DNS must stay reachable (allowDNS)");
            }
            return null;
        }

        @Override
        boolean update(Probes p, int x) {
            boolean server = Arrays.binarySearch(servers, x) >= 0;
            if (dns != null && server != isDns(p.pods.get(x))) {
                return false; // the DNS servers changed
            }
            for (Direction d : Direction.values()) {
                if (isolation[d.ordinal()] != null) {
                    isolation[d.ordinal()][x] = selected[x] ? notIsolated(p, x, d) : null;
                }
            }
            if (dns == null) {
                return true;
            }
            if (selected[x]) {
                dnsRow(p, x);
            }
            if (server) {
                int k = Arrays.binarySearch(servers, x);
                for (int i = 0; i < dns.length; i++) {
                    if (!selected[i] || i == x) {
                        continue;
                    }
                    IntentViolation[] row = dns[i] == null ? new IntentViolation[servers.length * 2] : dns[i];
                    boolean any = false;
                    for (int proto = 0; proto < 2; proto++) {
                        row[2 * k + proto] = dnsFlow(p, i, x, proto);
                    }
                    for (IntentViolation v : row) {
                        any |= v != null;
                    }
                    dns[i] = any ? row : null;
                }
            }
            return true;
        }

        @Override
        Block copy() {
            DefaultDenyBlock c = new DefaultDenyBlock(ctx, rule);
            c.selected = selected;
            c.isolation = new IntentViolation[isolation.length][];
            for (int d = 0; d < isolation.length; d++) {
                c.isolation[d] = isolation[d] == null ? null : isolation[d].clone();
            }
            c.servers = servers;
            if (dns != null) {
                c.dns = new IntentViolation[dns.length][];
                for (int i = 0; i < dns.length; i++) {
                    c.dns[i] = dns[i] == null ? null : dns[i].clone();
                }
            }
            return c;
        }

        @Override
        void collect(List<IntentViolation> out) {
            collectGrid(isolation, out);
            if (dns != null) {
                collectGrid(dns, out);
            }
        }
    }

    /** onlyFrom: per target pod, per source (every pod, then the outside), the wrong flows. */
    private static final class OnlyFromBlock extends Block {
        private final IntentRule.OnlyFrom rule;
        private Row[] rows;

        OnlyFromBlock(Ctx ctx, IntentRule.OnlyFrom rule) {
            super(ctx);
            this.rule = rule;
        }

        private boolean isTarget(Probes p, Pod pod) {
            return (rule.namespaceSelector() == null
                            || rule.namespaceSelector().matches(p.model.namespaceLabels(pod.namespace())))
                    && rule.podSelector().matches(pod.labels());
        }

        @Override
        void fill(Probes p) {
            rows = new Row[p.size()];
            for (int t = 0; t < rows.length; t++) {
                if (isTarget(p, p.pods.get(t))) {
                    rows[t] = row(p, t);
                }
            }
        }

        private Row row(Probes p, int t) {
            Row row = new Row();
            for (int s = 0; s <= p.size(); s++) {
                row.add(s, flow(p, t, s));
            }
            return row;
        }

        /** Source {@code s} (a pod's position, or the number of pods for the outside) to target {@code t}. */
        private IntentViolation flow(Probes p, int t, int s) {
            Pod target = p.pods.get(t);
            Endpoint to = p.endpoints[t];
            Endpoint from = s < p.size() ? p.endpoints[s] : p.external;
            if (from.equals(to)) {
                return null;
            }
            boolean listed = from instanceof Endpoint.PodEndpoint pe
                    && Selection.isSource(p.model, rule, pe.pod(), target.namespace());
            boolean reachable = p.analyzer.reachable(from, to, rule.port());
            if (listed && !reachable) {
                return blocked(
                        ctx, p.analyzer.canReach(from, to, rule.port()), "a listed source must be able to reach it");
            } else if (!listed && reachable) {
                return allowed(ctx, p.analyzer.canReach(from, to, rule.port()), "only the listed sources may reach it");
            }
            return null;
        }

        @Override
        boolean update(Probes p, int x) {
            rows[x] = isTarget(p, p.pods.get(x)) ? row(p, x) : null;
            for (int t = 0; t < rows.length; t++) {
                if (rows[t] != null && t != x) {
                    rows[t].set(x, flow(p, t, x));
                }
            }
            return true;
        }

        @Override
        Block copy() {
            OnlyFromBlock c = new OnlyFromBlock(ctx, rule);
            c.rows = IntentChecker.copy(rows);
            return c;
        }

        @Override
        void collect(List<IntentViolation> out) {
            collectRows(rows, out);
        }
    }

    /** deny: per pod of the from namespaces, per pod of the to namespaces, the first port reachable. */
    private static final class DenyBlock extends Block {
        private final IntentRule.Deny rule;
        private boolean[] from;
        private boolean[] to;
        private List<List<Port>> ports;
        private Row[] rows;

        DenyBlock(Ctx ctx, IntentRule.Deny rule) {
            super(ctx);
            this.rule = rule;
        }

        @Override
        void fill(Probes p) {
            int n = p.size();
            from = new boolean[n];
            to = new boolean[n];
            ports = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, String> labels =
                        p.model.namespaceLabels(p.pods.get(i).namespace());
                from[i] = rule.fromNamespaces().matches(labels);
                to[i] = rule.toNamespaces().matches(labels);
                ports.add(to[i] ? probePorts(p.pods.get(i)) : null);
            }
            rows = new Row[n];
            for (int f = 0; f < n; f++) {
                if (from[f]) {
                    rows[f] = row(p, f);
                }
            }
        }

        private Row row(Probes p, int f) {
            Row row = new Row();
            for (int t = 0; t < to.length; t++) {
                if (to[t]) {
                    row.add(t, flow(p, f, t));
                }
            }
            return row;
        }

        private IntentViolation flow(Probes p, int f, int t) {
            if (p.pods.get(f).equals(p.pods.get(t))) {
                return null;
            }
            Endpoint source = p.endpoints[f];
            Endpoint target = p.endpoints[t];
            for (Port port : ports.get(t)) {
                if (p.analyzer.reachable(source, target, port)) {
                    return allowed(
                            ctx,
                            p.analyzer.canReach(source, target, port),
                            "nothing of the from namespaces may reach the to namespaces");
                }
            }
            return null;
        }

        @Override
        boolean update(Probes p, int x) {
            if (to[x]) {
                ports.set(x, probePorts(p.pods.get(x)));
            }
            if (from[x]) {
                rows[x] = row(p, x);
            }
            if (to[x]) {
                for (int f = 0; f < rows.length; f++) {
                    if (rows[f] != null && f != x) {
                        rows[f].set(x, flow(p, f, x));
                    }
                }
            }
            return true;
        }

        @Override
        Block copy() {
            DenyBlock c = new DenyBlock(ctx, rule);
            c.from = from;
            c.to = to;
            c.ports = new ArrayList<>(ports);
            c.rows = IntentChecker.copy(rows);
            return c;
        }

        @Override
        void collect(List<IntentViolation> out) {
            collectRows(rows, out);
        }
    }

    /** Every declared container port of {@code pod}, then {@link #PROBE_PORT} on TCP, UDP and SCTP. */
    static List<Port> probePorts(Pod pod) {
        Set<Port> ports = new LinkedHashSet<>();
        pod.ports().forEach(cp -> ports.add(new Port(cp.number(), cp.protocol())));
        for (Protocol p : Protocol.values()) {
            ports.add(new Port(PROBE_PORT, p));
        }
        return List.copyOf(ports);
    }

    private static IntentViolation allowed(Ctx ctx, Verdict v, String why) {
        List<SideVerdict.RuleRef> rules = new ArrayList<>(v.ingress().allowedBy());
        rules.addAll(v.egress().allowedBy());
        Direction open = v.ingress().reason() == SideVerdict.Reason.NotIsolated
                ? Direction.Ingress
                : v.egress().reason() == SideVerdict.Reason.NotIsolated ? Direction.Egress : null;
        String message = ctx.where() + ": " + flow(v) + " is allowed, want denied (" + why + "): ingress "
                + side(v.ingress()) + "; egress " + side(v.egress());
        return new IntentViolation(
                ctx.intent().name(),
                ctx.intent().mode(),
                ctx.index(),
                ctx.intent().rules().get(ctx.index()).kind(),
                IntentViolation.Code.AllowedFlow,
                v.from().id(),
                v.to().id(),
                v.port(),
                open,
                rules,
                List.of(),
                message);
    }

    private static IntentViolation blocked(Ctx ctx, Verdict v, String why) {
        List<String> by = new ArrayList<>();
        if (!v.ingress().allowed()) {
            by.addAll(v.ingress().isolatedBy());
        }
        if (!v.egress().allowed()) {
            v.egress().isolatedBy().stream().filter(p -> !by.contains(p)).forEach(by::add);
        }
        Direction d = v.ingress().allowed() ? Direction.Egress : Direction.Ingress;
        String message = ctx.where() + ": " + flow(v) + " is denied, want allowed (" + why + "): ingress "
                + side(v.ingress()) + "; egress " + side(v.egress());
        return new IntentViolation(
                ctx.intent().name(),
                ctx.intent().mode(),
                ctx.index(),
                ctx.intent().rules().get(ctx.index()).kind(),
                IntentViolation.Code.BlockedFlow,
                v.from().id(),
                v.to().id(),
                v.port(),
                d,
                List.of(),
                by,
                message);
    }

    private static String flow(Verdict v) {
        return v.from().id() + " -> " + v.to().id() + " " + v.port();
    }

    private static String side(SideVerdict s) {
        return switch (s.reason()) {
            case NotIsolated -> "not isolated";
            case NotInCluster -> "outside the cluster";
            case AllowedByPolicy ->
                "allowed by " + s.allowedBy().stream().map(Object::toString).collect(Collectors.joining(", "));
            case NoRuleAllows -> "denied by " + String.join(", ", s.isolatedBy()) + " (no rule allows)";
        };
    }
}
