package dev.trimtab.network.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers "can A reach B on this port?" over a {@link NetworkModel}, with the semantics of
 * {@code networking.k8s.io/v1} NetworkPolicy (see the package documentation). Stateless after
 * construction; every answer is a {@link Verdict} with its reasons.
 *
 * <p>Which policies select a pod is looked up in the model's index (worked out once per model), so
 * a question costs the rules of the few policies that select its two ends, not a pass over every
 * policy. {@link #matrix} evaluates each rule once per pod rather than once per pair, and shares
 * the (immutable) side verdicts between pairs that get the same one.
 */
public final class ReachabilityAnalyzer {
    private static final Map<Direction, SideVerdict> NOT_IN_CLUSTER = constant(SideVerdict.Reason.NotInCluster);
    private static final Map<Direction, SideVerdict> NOT_ISOLATED = constant(SideVerdict.Reason.NotIsolated);

    private final PolicyIndex index;
    private final Function<String, Map<String, String>> namespaceLabels;

    public ReachabilityAnalyzer(NetworkModel model) {
        this.index = model.index();
        this.namespaceLabels = model::namespaceLabels;
    }

    private static Map<Direction, SideVerdict> constant(SideVerdict.Reason reason) {
        Map<Direction, SideVerdict> m = new EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            m.put(d, new SideVerdict(d, reason, List.of(), List.of()));
        }
        return m;
    }

    public Verdict canReach(Endpoint from, Endpoint to, Port port) {
        return new Verdict(
                from,
                to,
                port,
                side(Direction.Egress, from, to, to, port),
                side(Direction.Ingress, to, from, to, port));
    }

    public Verdict canReach(Pod from, Pod to, Port port) {
        return canReach(new Endpoint.PodEndpoint(from), new Endpoint.PodEndpoint(to), port);
    }

    /**
     * {@code canReach(from, to, port).reachable()}, without building the verdict: for callers that
     * probe many flows and explain only a few.
     */
    public boolean reachable(Endpoint from, Endpoint to, Port port) {
        return sideAllows(Direction.Egress, from, to, to, port) && sideAllows(Direction.Ingress, to, from, to, port);
    }

    /** Whether some policy of the model selects {@code pod} for {@code direction} ({@link NetworkPolicy#selects}). */
    public boolean isolated(Pod pod, Direction direction) {
        return !index.selecting(pod, direction).isEmpty();
    }

    /** Every ordered pair of {@code pods}, a pod with itself included, rows by source in the given order. */
    public List<Verdict> matrix(Collection<Pod> pods, Port port) {
        Pod[] ps = pods.toArray(new Pod[0]);
        int n = ps.length;
        Endpoint[] eps = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            eps[i] = new Endpoint.PodEndpoint(ps[i]);
        }
        RuleTable rules = new RuleTable(eps, port);
        Side[] ingress = new Side[n];
        for (int d = 0; d < n; d++) {
            ingress[d] = new Side(Direction.Ingress, eps[d], port, rules, d);
        }
        List<Verdict> out = new ArrayList<>(n * n);
        for (int s = 0; s < n; s++) {
            Side egress = new Side(Direction.Egress, eps[s], port, rules, s);
            for (int d = 0; d < n; d++) {
                out.add(new Verdict(eps[s], eps[d], port, egress.verdict(d, eps[d]), ingress[d].verdict(s, eps[s])));
            }
        }
        return out;
    }

    /**
     * @param self        the end whose policies decide this side (source for egress, destination for ingress)
     * @param peer        the other end, matched against the rules' peers
     * @param destination where named ports resolve
     */
    private SideVerdict side(Direction direction, Endpoint self, Endpoint peer, Endpoint destination, Port port) {
        if (!(self instanceof Endpoint.PodEndpoint pe)) {
            return NOT_IN_CLUSTER.get(direction);
        }
        PolicyIndex.Selection selection = index.selecting(pe.pod(), direction);
        if (selection.isEmpty()) {
            return NOT_ISOLATED.get(direction);
        }
        List<SideVerdict.RuleRef> allowedBy = new ArrayList<>(2);
        int[] selected = selection.policies();
        for (int k = 0; k < selected.length; k++) {
            NetworkPolicy policy = index.policies[selected[k]];
            List<PolicyRule> rules = policy.rules(direction);
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).allows(peer, destination, port, policy.namespace(), namespaceLabels)) {
                    allowedBy.add(new SideVerdict.RuleRef(index.keys[selected[k]], direction, i));
                }
            }
        }
        return sideVerdict(direction, selection.keys(), allowedBy);
    }

    private static SideVerdict sideVerdict(
            Direction direction, List<String> isolatedBy, List<SideVerdict.RuleRef> allowedBy) {
        SideVerdict.Reason reason = isolatedBy.isEmpty()
                ? SideVerdict.Reason.NotIsolated
                : allowedBy.isEmpty() ? SideVerdict.Reason.NoRuleAllows : SideVerdict.Reason.AllowedByPolicy;
        return new SideVerdict(direction, reason, isolatedBy, allowedBy);
    }

    /** {@code side(...).allowed()}, stopping at the first rule that allows. */
    private boolean sideAllows(Direction direction, Endpoint self, Endpoint peer, Endpoint destination, Port port) {
        if (!(self instanceof Endpoint.PodEndpoint pe)) {
            return true;
        }
        PolicyIndex.Selection selection = index.selecting(pe.pod(), direction);
        if (selection.isEmpty()) {
            return true;
        }
        for (int p : selection.policies()) {
            NetworkPolicy policy = index.policies[p];
            List<PolicyRule> rules = policy.rules(direction);
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).allows(peer, destination, port, policy.namespace(), namespaceLabels)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * For the matrix: per rule, over the pods' positions, the part of {@link PolicyRule#allows} that
     * depends on the other end. An egress rule's peer is the destination, where named ports also
     * resolve: one table, rule allows destination. An ingress rule's peer is the source and its
     * ports resolve on the policy's own pod: the peer table over sources, the port checked per pod.
     * Filled on first use.
     */
    private final class RuleTable {
        private final Endpoint[] eps;
        private final Port port;
        private final boolean[][][] egress;
        private final boolean[][][] ingressPeers;

        RuleTable(Endpoint[] eps, Port port) {
            this.eps = eps;
            this.port = port;
            this.egress = new boolean[index.policies.length][][];
            this.ingressPeers = new boolean[index.policies.length][][];
        }

        /** For egress rule {@code rule} of policy {@code p}: whether it allows each position as destination. */
        boolean[] egress(int p, int rule) {
            NetworkPolicy policy = index.policies[p];
            boolean[][] byRule = egress[p];
            if (byRule == null) {
                byRule = egress[p] = new boolean[policy.egress().size()][];
            }
            boolean[] t = byRule[rule];
            if (t == null) {
                PolicyRule r = policy.egress().get(rule);
                t = byRule[rule] = new boolean[eps.length];
                for (int i = 0; i < eps.length; i++) {
                    t[i] = r.allows(eps[i], eps[i], port, policy.namespace(), namespaceLabels);
                }
            }
            return t;
        }

        /** For ingress rule {@code rule} of policy {@code p}: whether each position is one of its peers. */
        boolean[] ingressPeers(int p, int rule) {
            NetworkPolicy policy = index.policies[p];
            boolean[][] byRule = ingressPeers[p];
            if (byRule == null) {
                byRule = ingressPeers[p] = new boolean[policy.ingress().size()][];
            }
            boolean[] t = byRule[rule];
            if (t == null) {
                PolicyRule r = policy.ingress().get(rule);
                t = byRule[rule] = new boolean[eps.length];
                for (int i = 0; i < eps.length; i++) {
                    t[i] = r.peerAllows(eps[i], policy.namespace(), namespaceLabels);
                }
            }
            return t;
        }
    }

    /**
     * One pod's side of every pair in the matrix: its selecting policies' rules flattened in
     * (policy, rule) order, each with its table over the other ends ({@code null}: never allows,
     * an ingress rule whose ports do not match here). The rules that allow a pair form a bit mask;
     * the verdict for each mask is built once. More than 62 rules: each pair evaluated as
     * {@link #side} does.
     */
    private final class Side {
        private static final int MAX_RULES = 62;
        private final Direction direction;
        private final Endpoint self;
        private final Port port;
        private final PolicyIndex.Selection selection;
        private final String[] ruleKeys;
        private final int[] ruleIndexes;
        private final boolean[][] tables;
        private final boolean general;
        private SideVerdict[] small;
        private Map<Long, SideVerdict> large;

        Side(Direction direction, Endpoint self, Port port, RuleTable rules, int position) {
            this.direction = direction;
            this.self = self;
            this.port = port;
            this.selection = index.selecting(((Endpoint.PodEndpoint) self).pod(), direction);
            int count = 0;
            for (int p : selection.policies()) {
                count += index.policies[p].rules(direction).size();
            }
            this.general = count > MAX_RULES;
            this.ruleKeys = new String[general ? 0 : count];
            this.ruleIndexes = new int[general ? 0 : count];
            this.tables = new boolean[general ? 0 : count][];
            if (general) {
                return;
            }
            int k = 0;
            for (int p : selection.policies()) {
                NetworkPolicy policy = index.policies[p];
                List<PolicyRule> list = policy.rules(direction);
                for (int i = 0; i < list.size(); i++, k++) {
                    ruleKeys[k] = index.keys[p];
                    ruleIndexes[k] = i;
                    if (direction == Direction.Egress) {
                        tables[k] = rules.egress(p, i);
                    } else if (list.get(i).portAllows(port, self)) {
                        tables[k] = rules.ingressPeers(p, i);
                    }
                }
            }
            if (count <= 10) {
                small = new SideVerdict[1 << count];
            } else {
                large = new HashMap<>();
            }
        }

        /** This side's verdict when the other end is {@code other}, at position {@code at}. */
        SideVerdict verdict(int at, Endpoint other) {
            if (selection.isEmpty()) {
                return NOT_ISOLATED.get(direction);
            }
            if (general) {
                return direction == Direction.Egress
                        ? side(direction, self, other, other, port)
                        : side(direction, self, other, self, port);
            }
            long mask = 0;
            for (int k = 0; k < tables.length; k++) {
                if (tables[k] != null && tables[k][at]) {
                    mask |= 1L << k;
                }
            }
            if (small != null) {
                SideVerdict v = small[(int) mask];
                if (v == null) {
                    v = small[(int) mask] = build(mask);
                }
                return v;
            }
            return large.computeIfAbsent(mask, this::build);
        }

        private SideVerdict build(long mask) {
            List<SideVerdict.RuleRef> allowedBy = new ArrayList<>(Long.bitCount(mask));
            for (int k = 0; k < tables.length; k++) {
                if ((mask & (1L << k)) != 0) {
                    allowedBy.add(new SideVerdict.RuleRef(ruleKeys[k], direction, ruleIndexes[k]));
                }
            }
            return sideVerdict(direction, selection.keys(), allowedBy);
        }
    }
}
