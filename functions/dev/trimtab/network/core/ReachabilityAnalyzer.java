package dev.trimtab.network.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Answers "can A reach B on this port?" over a {@link NetworkModel}, with the semantics of
 * {@code networking.k8s.io/v1} NetworkPolicy (see the package documentation). Stateless after
 * construction; every answer is a {@link Verdict} with its reasons.
 */
public final class ReachabilityAnalyzer {
    private final NetworkModel model;

    public ReachabilityAnalyzer(NetworkModel model) {
        this.model = model;
    }

    public Verdict canReach(Endpoint from, Endpoint to, Port port) {
        return new Verdict(from, to, port, side(Direction.Egress, from, to, to, port),
                side(Direction.Ingress, to, from, to, port));
    }

    public Verdict canReach(Pod from, Pod to, Port port) {
        return canReach(new Endpoint.PodEndpoint(from), new Endpoint.PodEndpoint(to), port);
    }

    /** Every ordered pair of {@code pods}, a pod with itself included, rows by source in the given order. */
    public List<Verdict> matrix(Collection<Pod> pods, Port port) {
        List<Verdict> out = new ArrayList<>(pods.size() * pods.size());
        for (Pod from : pods) {
            for (Pod to : pods) {
                out.add(canReach(from, to, port));
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
            return new SideVerdict(direction, SideVerdict.Reason.NotInCluster, List.of(), List.of());
        }
        List<String> isolatedBy = new ArrayList<>();
        List<SideVerdict.RuleRef> allowedBy = new ArrayList<>();
        for (NetworkPolicy policy : model.policies()) {
            if (!policy.selects(pe.pod(), direction)) {
                continue;
            }
            isolatedBy.add(policy.key());
            List<PolicyRule> rules = policy.rules(direction);
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).allows(peer, destination, port, policy.namespace(), model::namespaceLabels)) {
                    allowedBy.add(new SideVerdict.RuleRef(policy.key(), direction, i));
                }
            }
        }
        SideVerdict.Reason reason = isolatedBy.isEmpty() ? SideVerdict.Reason.NotIsolated
                : allowedBy.isEmpty() ? SideVerdict.Reason.NoRuleAllows : SideVerdict.Reason.AllowedByPolicy;
        return new SideVerdict(direction, reason, isolatedBy, allowedBy);
    }
}
