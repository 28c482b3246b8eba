package dev.trimtab.network.core.intent;

import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Endpoint;
import dev.trimtab.network.core.IpAddress;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.SideVerdict;
import dev.trimtab.network.core.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks NetworkIntents against a {@link NetworkModel} with {@link ReachabilityAnalyzer}: every
 * violation with the flow at fault and the policies that allow or block it. Violations come in
 * intent order, then rule order, then pod order of the model; a pod to itself is never probed
 * (CNIs differ on loopback). What each rule probes is in the package documentation.
 */
public final class IntentChecker {
    /** The outside address an {@code onlyFrom} rule is also probed from (TEST-NET-3, RFC 5737). */
    public static final IpAddress EXTERNAL_PROBE = IpAddress.parse("203.0.113.1");
    /** The port a {@code deny} rule probes on every protocol besides the destination's declared ports. */
    public static final int PROBE_PORT = 65535;

    private final NetworkModel model;
    private final ReachabilityAnalyzer analyzer;

    private IntentChecker(NetworkModel model) {
        this.model = model;
        this.analyzer = new ReachabilityAnalyzer(model);
    }

    public static List<IntentViolation> check(NetworkModel model, List<NetworkIntent> intents) {
        IntentChecker c = new IntentChecker(model);
        List<IntentViolation> out = new ArrayList<>();
        for (NetworkIntent intent : intents) {
            for (int i = 0; i < intent.rules().size(); i++) {
                Ctx ctx = new Ctx(intent, i);
                IntentRule rule = intent.rules().get(i);
                if (rule instanceof IntentRule.DefaultDeny d) {
                    c.defaultDeny(ctx, d, out);
                } else if (rule instanceof IntentRule.OnlyFrom o) {
                    c.onlyFrom(ctx, o, out);
                } else {
                    c.deny(ctx, (IntentRule.Deny) rule, out);
                }
            }
        }
        return out;
    }

    private record Ctx(NetworkIntent intent, int index) {
        String where() {
            return NetworkIntent.KIND + " " + intent.name() + " spec.rules[" + index + "] ("
                    + intent.rules().get(index).kind() + ")";
        }
    }

    private void defaultDeny(Ctx ctx, IntentRule.DefaultDeny rule, List<IntentViolation> out) {
        List<Pod> pods = Selection.podsIn(model, rule.namespaceSelector());
        for (Direction d : Direction.values()) {
            if (!rule.directions().contains(d)) {
                continue;
            }
            for (Pod p : pods) {
                if (!analyzer.isolated(p, d)) {
                    String from = d == Direction.Ingress ? "*" : p.key();
                    String to = d == Direction.Ingress ? p.key() : "*";
                    out.add(new IntentViolation(ctx.intent().name(), ctx.intent().mode(), ctx.index(), "defaultDeny",
                            IntentViolation.Code.NotIsolated, from, to, null, d, List.of(), List.of(),
                            ctx.where() + ": " + p.key() + " is not isolated for "
                                    + d.name().toLowerCase(java.util.Locale.ROOT) + ": no policy selects it"));
                }
            }
        }
        if (rule.allowDNS() && rule.directions().contains(Direction.Egress)) {
            List<Pod> dns = Selection.dnsPods(model);
            for (Pod p : pods) {
                for (Pod server : dns) {
                    for (Protocol proto : List.of(Protocol.UDP, Protocol.TCP)) {
                        Port port = new Port(53, proto);
                        Endpoint from = new Endpoint.PodEndpoint(p);
                        Endpoint to = new Endpoint.PodEndpoint(server);
                        if (!p.equals(server) && !analyzer.reachable(from, to, port)) {
                            out.add(blocked(ctx, analyzer.canReach(from, to, port), "DNS must stay reachable (allowDNS)"));
                        }
                    }
                }
            }
        }
    }

    private void onlyFrom(Ctx ctx, IntentRule.OnlyFrom rule, List<IntentViolation> out) {
        List<Endpoint> sources = new ArrayList<>();
        model.pods().forEach(p -> sources.add(new Endpoint.PodEndpoint(p)));
        sources.add(model.endpointFor(EXTERNAL_PROBE));
        for (Pod target : Selection.targets(model, rule)) {
            Endpoint to = new Endpoint.PodEndpoint(target);
            for (Endpoint from : sources) {
                if (from.equals(to)) {
                    continue;
                }
                boolean listed = from instanceof Endpoint.PodEndpoint pe
                        && Selection.isSource(model, rule, pe.pod(), target.namespace());
                boolean reachable = analyzer.reachable(from, to, rule.port());
                if (listed && !reachable) {
                    out.add(blocked(ctx, analyzer.canReach(from, to, rule.port()), "a listed source must be able to reach it"));
                } else if (!listed && reachable) {
                    out.add(allowed(ctx, analyzer.canReach(from, to, rule.port()), "only the listed sources may reach it"));
                }
            }
        }
    }

    private void deny(Ctx ctx, IntentRule.Deny rule, List<IntentViolation> out) {
        List<Pod> froms = Selection.podsIn(model, rule.fromNamespaces());
        List<Pod> tos = Selection.podsIn(model, rule.toNamespaces());
        List<Endpoint> toEndpoints = new ArrayList<>(tos.size());
        List<List<Port>> toPorts = new ArrayList<>(tos.size());
        for (Pod to : tos) {
            toEndpoints.add(new Endpoint.PodEndpoint(to));
            toPorts.add(probePorts(to));
        }
        for (Pod from : froms) {
            Endpoint source = new Endpoint.PodEndpoint(from);
            for (int t = 0; t < tos.size(); t++) {
                if (from.equals(tos.get(t))) {
                    continue;
                }
                Endpoint target = toEndpoints.get(t);
                for (Port port : toPorts.get(t)) {
                    if (analyzer.reachable(source, target, port)) {
                        out.add(allowed(ctx, analyzer.canReach(source, target, port),
                                "nothing of the from namespaces may reach the to namespaces"));
                        break;
                    }
                }
            }
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
        Direction open = v.ingress().reason() == SideVerdict.Reason.NotIsolated ? Direction.Ingress
                : v.egress().reason() == SideVerdict.Reason.NotIsolated ? Direction.Egress : null;
        String message = ctx.where() + ": " + flow(v) + " is allowed, want denied (" + why + "): ingress "
                + side(v.ingress()) + "; egress " + side(v.egress());
        return new IntentViolation(ctx.intent().name(), ctx.intent().mode(), ctx.index(),
                ctx.intent().rules().get(ctx.index()).kind(), IntentViolation.Code.AllowedFlow, v.from().id(),
                v.to().id(), v.port(), open, rules, List.of(), message);
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
        return new IntentViolation(ctx.intent().name(), ctx.intent().mode(), ctx.index(),
                ctx.intent().rules().get(ctx.index()).kind(), IntentViolation.Code.BlockedFlow, v.from().id(),
                v.to().id(), v.port(), d, List.of(), by, message);
    }

    private static String flow(Verdict v) {
        return v.from().id() + " -> " + v.to().id() + " " + v.port();
    }

    private static String side(SideVerdict s) {
        return switch (s.reason()) {
            case NotIsolated -> "not isolated";
            case NotInCluster -> "outside the cluster";
            case AllowedByPolicy -> "allowed by " + s.allowedBy().stream().map(Object::toString)
                    .collect(Collectors.joining(", "));
            case NoRuleAllows -> "denied by " + String.join(", ", s.isolatedBy()) + " (no rule allows)";
        };
    }
}
