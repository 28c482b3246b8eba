# Writes e2e/*.yaml: the upstream e2e netpol tests' policies and Reachability expectations,
# transcribed by hand below (one block per upstream test, in upstream order).
# Usage: python3 tools/generate_e2e.py e2e   (from src/test/resources/network; needs PyYAML)
import os, re, sys, yaml

OUT = sys.argv[1]
NS = ["x", "y", "z"]
COMMIT = "008b3652959ca58af8be3fb5b6ecfe9ae7638282"

class Literal(str): pass
class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data): return True
Dumper.add_representer(Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|"))

class R:
    """Upstream Reachability: a default-true truth table over the test's pods."""
    def __init__(self, pods):
        self.pods = pods
        self.m = {(f, t): True for f in pods for t in pods}
    def expect(self, f, t, v):
        assert (f, t) in self.m, (f, t)
        self.m[(f, t)] = v; return self
    def all_ingress(self, pod, v):
        for f in self.pods: self.m[(f, pod)] = v
        return self
    def all_egress(self, pod, v):
        for t in self.pods: self.m[(pod, t)] = v
        return self
    def peer(self, frm, to, v):
        def match(p, pod):
            ns, name = pod.split("/")
            return ("ns" not in p or p["ns"] == ns) and ("pod" not in p or p["pod"] == name)
        for f in self.pods:
            if match(frm, f):
                for t in self.pods:
                    if match(to, t): self.m[(f, t)] = v
        return self
    def table(self):
        w = max(len(p) for p in self.pods)
        lines = ["-".ljust(w) + " " + " ".join(p.ljust(w) for p in self.pods)]
        for f in self.pods:
            lines.append(f.ljust(w) + " " + " ".join(("." if self.m[(f, t)] else "X").ljust(w) for t in self.pods))
        return Literal("\n".join(l.rstrip() for l in lines) + "\n")

def pol(name, ns, podSelector, ingress=None, egress=None, types=None):
    """GenNetworkPolicy + SetSpecIngressRules/SetSpecEgressRules: a rules call adds its policy type."""
    spec = {"podSelector": podSelector}
    t = []
    if ingress is not None:
        t.append("Ingress")
        if ingress: spec["ingress"] = ingress
    if egress is not None:
        t.append("Egress")
        if egress: spec["egress"] = egress
    spec["policyTypes"] = types or t
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}

ML = lambda **kv: {"matchLabels": dict(kv)}
def MLk(k, v): return {"matchLabels": {k: v}}
def ME(key, op, *values): return {"matchExpressions": [{"key": key, "operator": op, "values": list(values)}]}
NSK = "kubernetes.io/metadata.name"

cases = []
def case(name, pods, ports, protocols, steps, suite="Netpol NetworkPolicy between server and client",
         slug=None, podIPs=None, note=None):
    cases.append(dict(name=name, suite=suite, pods=pods, ports=ports, protocols=protocols, steps=steps,
                      slug=slug, podIPs=podIPs, note=note))

def step(policies, probes, **extra):
    s = {}
    if "description" in extra: s["description"] = extra.pop("description")
    s.update(extra)
    s["policies"] = policies
    s["probes"] = [{"port": p, "expect": r.table()} for p, r in probes]
    return s

# ---- TCP tests, in upstream order ----
P = ["x/a", "x/b", "y/a", "y/b"]
case("should support a 'default-deny-ingress' policy", P, [80], ["TCP"], [
    step([pol("deny-ingress", "x", {}, ingress=[])], [("80/TCP", R(P).peer({}, {"ns": "x"}, False))])])

P = ["x/a", "x/b", "y/a"]
case("should support a 'default-deny-all' policy", P, [80], ["TCP"], [
    step([pol("deny-all", "x", {}, ingress=[], egress=[])],
         [("80/TCP", R(P).peer({}, {"ns": "x"}, False).peer({"ns": "x"}, {}, False))])])

P = ["x/a", "x/b", "x/c", "y/a"]
case("should enforce policy to allow traffic from pods within server namespace based on PodSelector", P, [80], ["TCP"], [
    step([pol("x-a-allows-x-b", "x", ML(pod="a"), ingress=[{"from": [{"podSelector": ML(pod="b")}]}])],
         [("80/TCP", R(P).all_ingress("x/a", False).expect("x/b", "x/a", True))])])

P = ["x/a", "x/b", "y/a"]
case("should enforce policy to allow ingress traffic for a target", P, [80], ["TCP"], [
    step([pol("deny-all", "x", {}, ingress=[]),
          pol("allow-all-to-a", "x", ML(pod="a"), ingress=[{"from": [{"podSelector": {}, "namespaceSelector": {}}]}])],
         [("80/TCP", R(P).all_ingress("x/a", True).all_ingress("x/b", False))])])

P = ["x/a", "x/b", "y/a", "z/a"]
case("should enforce policy to allow ingress traffic from pods in all namespaces", P, [80], ["TCP"], [
    step([pol("allow-from-another-ns", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": {}}]}])],
         [("80/TCP", R(P))])])

case("should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector", P, [80], ["TCP"], [
    step([pol("allow-client-a-via-ns-selector", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}]}])],
         [("80/TCP", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False))])])

P = ["x/a", "x/b", "y/a"]
case("should enforce policy based on PodSelector with MatchExpressions", P, [80], ["TCP"], [
    step([pol("x-a-allows-x-b", "x", ML(pod="a"), ingress=[{"from": [{"podSelector": ME("pod", "In", "b")}]}])],
         [("80/TCP", R(P).all_ingress("x/a", False).expect("x/b", "x/a", True))])])

P = ["x/a", "x/b", "y/a", "z/a"]
case("should enforce policy based on NamespaceSelector with MatchExpressions", P, [80], ["TCP"], [
    step([pol("allow-ns-y-match-selector", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": ME(NSK, "In", "y")}]}])],
         [("80/TCP", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False))])])

P = ["x/a", "x/b", "x/c", "y/a"]
case("should enforce policy based on PodSelector or NamespaceSelector", P, [80], ["TCP"], [
    step([pol("allow-ns-y-match-selector", "x", ML(pod="a"), ingress=[{"from": [
            {"namespaceSelector": ME(NSK, "NotIn", "x")}, {"podSelector": ML(pod="b")}]}])],
         [("80/TCP", R(P).expect("x/a", "x/a", False).expect("x/c", "x/a", False))])])

P = ["x/a", "x/b", "y/a", "y/b", "z/b"]
case("should enforce policy based on PodSelector and NamespaceSelector", P, [80], ["TCP"], [
    step([pol("allow-ns-y-podselector-and-nsselector", "x", ML(pod="a"), ingress=[{"from": [
            {"namespaceSelector": ME(NSK, "NotIn", "x"), "podSelector": ML(pod="b")}]}])],
         [("80/TCP", R(P).all_ingress("x/a", False).expect("y/b", "x/a", True).expect("z/b", "x/a", True))])])

P = ["x/a", "x/b", "y/a", "y/b", "y/c"]
case("should enforce policy based on Multiple PodSelectors and NamespaceSelectors", P, [80], ["TCP"], [
    step([pol("allow-ns-y-z-pod-b-c", "x", ML(pod="a"), ingress=[{"from": [
            {"namespaceSelector": ME(NSK, "NotIn", "x"), "podSelector": ME("pod", "In", "b", "c")}]}])],
         [("80/TCP", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).expect("y/a", "x/a", False))])])

P = ["x/a", "x/b", "x/c"]
case("should enforce policy based on any PodSelectors", P, [80], ["TCP"], [
    step([pol("allow-ns-x-pod-b-c", "x", ML(pod="a"), ingress=[{"from": [
            {"podSelector": ML(pod="b")}, {"podSelector": ML(pod="c")}]}])],
         [("80/TCP", R(P).all_ingress("x/a", False).expect("x/b", "x/a", True).expect("x/c", "x/a", True))])])

def from_ya(proto, ports_for, P, port):
    return [step([pol("allow-ns-y-pod-a-via-namespace-pod-selector", "x", ML(pod="a"), ingress=[{"from": [
            {"namespaceSelector": MLk(NSK, "y"), "podSelector": ML(pod="a")}]}])],
         [(f"{port}/{proto}", R(P).all_ingress("x/a", False).expect("y/a", "x/a", True))])]

P = ["x/a", "x/b", "y/a", "y/b", "z/a"]
case("should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
     P, [80], ["TCP"], from_ya("TCP", None, P, 80))

def port81(proto, P, name="allow-client-a-via-ns-selector"):
    return [step([pol(name, "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}],
                                                        "ports": [{"port": 81, "protocol": proto}]}])],
         [(f"81/{proto}", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "y"}, {"ns": "x", "pod": "a"}, True)
           .peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False))])]
case("should enforce policy based on Ports", P, [81], ["TCP"], port81("TCP", P))

allow81 = pol("allow-client-a-via-ns-selector", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}],
                                                                             "ports": [{"port": 81, "protocol": "TCP"}]}])
allow80 = pol("allow-client-a-via-ns-selector-80", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}],
                                                                                "ports": [{"port": 80, "protocol": "TCP"}]}])
ALLOW = lambda: R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "y"}, {"ns": "x", "pod": "a"}, True).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
case("should enforce multiple, stacked policies with overlapping podSelectors", P, [80, 81], ["TCP"], [
    step([allow81], [("81/TCP", ALLOW()), ("80/TCP", R(P).all_ingress("x/a", False))],
         description="only port 81 is allowed, from namespace y"),
    step([allow81, allow80], [("80/TCP", ALLOW())], description="a second policy unblocks port 80")])

P = ["x/a", "x/b", "y/a"]
case("should support allow-all policy", P, [80, 81], ["TCP"], [
    step([pol("allow-all", "x", {}, ingress=[{}])], [("80/TCP", R(P)), ("81/TCP", R(P))])])

case("should allow ingress access on one named port", P, [80, 81], ["TCP"], [
    step([pol("allow-all", "x", {}, ingress=[{"ports": [{"port": "serve-81-tcp"}]}])],
         [("81/TCP", R(P)), ("80/TCP", R(P).peer({}, {"ns": "x"}, False))])])

P = ["x/a", "x/b", "y/a", "z/a"]
case("should allow ingress access from namespace on one named port", P, [80, 81], ["TCP"], [
    step([pol("allow-client-a-via-ns-selector-80", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}],
                                                                              "ports": [{"port": "serve-80-tcp", "protocol": "TCP"}]}])],
         [("80/TCP", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)),
          ("81/TCP", R(P).all_ingress("x/a", False))])])

P = ["x/a", "y/a"]
case("should allow egress access on one named port", P, [80, 81], ["TCP"], [
    step([pol("allow-egress", "x", {}, egress=[{"ports": [{"port": "serve-80-tcp"}]}])],
         [("80/TCP", R(P)), ("81/TCP", R(P).peer({"ns": "x"}, {}, False))])])

case("should enforce updated policy", P, [81], ["TCP"], [
    step([pol("allow-all-mutate-to-deny-all", "x", {}, ingress=[{}])], [("81/TCP", R(P))], description="allow all"),
    step([pol("allow-all-mutate-to-deny-all", "x", {}, ingress=[])], [("81/TCP", R(P).peer({}, {"ns": "x"}, False))],
         description="the same policy updated to deny all")])

pns2 = pol("allow-client-a-via-ns-selector", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": ML(ns2="updated")}]}])
case("should allow ingress access from updated namespace", P, [80], ["TCP"], [
    step([pns2], [("80/TCP", R(P).all_ingress("x/a", False))]),
    step([pns2], [("80/TCP", R(P).all_ingress("x/a", False).peer({"ns": "y"}, {}, True))],
         description="namespace y gets label ns2=updated", namespaceLabels={"y": {"ns2": "updated"}})])

P = ["x/a", "x/b"]
ppod2 = pol("allow-client-a-via-pod-selector", "x", ML(pod="a"), ingress=[{"from": [{"podSelector": ML(pod="b", pod2="updated")}]}])
case("should allow ingress access from updated pod", P, [80], ["TCP"], [
    step([ppod2], [("80/TCP", R(P).all_ingress("x/a", False))]),
    step([ppod2], [("80/TCP", R(P).all_ingress("x/a", False).expect("x/b", "x/a", True))],
         description="pod x/b gets label pod2=updated", podLabels={"x/b": {"pod": "b", "pod2": "updated"}})])

P = ["x/a", "x/b", "y/a", "z/a"]
case("should deny ingress from pods on other namespaces", P, [80], ["TCP"], [
    step([pol("deny-empty-policy", "x", {}, ingress=[{"from": [{"podSelector": {}}]}])],
         [("80/TCP", R(P).peer({"ns": "y"}, {"ns": "x"}, False).peer({"ns": "z"}, {"ns": "x"}, False))])])

P = ["x/a", "y/a"]
pdeny = pol("deny-ingress-via-label-selector", "x", ML(target="isolated"), ingress=[])
case("should deny ingress access to updated pod", P, [80], ["TCP"], [
    step([pdeny], [("80/TCP", R(P))]),
    step([pdeny], [("80/TCP", R(P).all_ingress("x/a", False))], description="pod x/a gets label target=isolated",
         podLabels={"x/a": {"target": "isolated"}})])

P = ["x/a", "x/b", "y/a"]
case("should deny egress from pods based on PodSelector", P, [80], ["TCP"], [
    step([pol("deny-egress-pod-a", "x", ML(pod="a"), egress=[])], [("80/TCP", R(P).all_egress("x/a", False))])])

case("should deny egress from all pods in a namespace", P, [80], ["TCP"], [
    step([pol("deny-egress-ns-x", "x", {}, egress=[])], [("80/TCP", R(P).peer({"ns": "x"}, {}, False))])])

P = ["x/a", "x/b", "x/c", "y/a"]
case("should work with Ingress, Egress specified together", P, [80, 81], ["TCP"], [
    step([pol("allow-client-a-via-pod-selector", "x", ML(pod="a"), ingress=[{"from": [{"podSelector": ML(pod="b")}]}],
              egress=[{"ports": [{"port": 80}]}], types=["Egress", "Ingress"])],
         [("80/TCP", R(P).all_ingress("x/a", False).expect("x/b", "x/a", True)),
          ("81/TCP", R(P).all_ingress("x/a", False).all_egress("x/a", False).expect("x/b", "x/a", True))])])

P = ["x/a", "y/a", "y/b"]
ing_xa = [{"from": [{"namespaceSelector": MLk(NSK, "x"), "podSelector": ML(pod="a")}]}]
case("should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)", P, [80], ["TCP"], [
    step([pol("allow-to-ns-y-pod-a", "x", ML(pod="a"), egress=[{"to": [{"namespaceSelector": MLk(NSK, "y"), "podSelector": ML(pod="a")}]}]),
          pol("allow-from-xa-on-ya-match-selector", "y", ML(pod="a"), ingress=ing_xa),
          pol("allow-from-xa-on-yb-match-selector", "y", ML(pod="b"), ingress=ing_xa)],
         [("80/TCP", R(P).peer({"ns": "x", "pod": "a"}, {}, False).peer({}, {"ns": "y", "pod": "a"}, False)
           .peer({"ns": "x", "pod": "a"}, {"ns": "y", "pod": "a"}, True).peer({}, {"ns": "y", "pod": "b"}, False))])])

case("should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector", P, [80], ["TCP"], [
    step([pol("allow-to-ns-y-pod-a", "x", ML(pod="a"), egress=[{"to": [{"namespaceSelector": MLk(NSK, "y"), "podSelector": ML(pod="a")}]}])],
         [("80/TCP", R(P).all_egress("x/a", False).expect("x/a", "y/a", True))])])

P = ["x/a", "y/a"]
case("should enforce ingress policy allowing any port traffic to a server on a specific protocol", P, [80], ["TCP", "UDP"], [
    step([pol("allow-ingress-by-proto", "x", ML(pod="a"), ingress=[{"ports": [{"protocol": "TCP"}]}])],
         [("80/TCP", R(P)), ("80/UDP", R(P).peer({}, {"ns": "x", "pod": "a"}, False))])])

p80 = pol("allow-ingress-port-80", "x", {}, ingress=[{"ports": [{"port": 80}]}])
case("should enforce multiple ingress policies with ingress allow-all policy taking precedence", P, [81], ["TCP"], [
    step([p80], [("81/TCP", R(P).peer({}, {"ns": "x"}, False))], description="only port 80 is allowed"),
    step([p80, pol("allow-ingress", "x", {}, ingress=[{}])], [("81/TCP", R(P))], description="allowing all ports")])

e80 = pol("allow-egress-port-80", "x", {}, egress=[{"ports": [{"port": 80}]}])
case("should enforce multiple egress policies with egress allow-all policy taking precedence", P, [81], ["TCP"], [
    step([e80], [("81/TCP", R(P).peer({"ns": "x"}, {}, False))], description="only port 80 is allowed"),
    step([e80, pol("allow-egress", "x", {}, egress=[{}])], [("81/TCP", R(P))], description="allowing all ports")])

case("should stop enforcing policies after they are deleted", P, [80], ["TCP"], [
    step([pol("deny-all", "x", {}, ingress=[], egress=[])],
         [("80/TCP", R(P).peer({"ns": "x"}, {}, False).peer({}, {"ns": "x"}, False))]),
    step([], [("80/TCP", R(P))], description="policies deleted")])

def ips(pods, family):
    out = {}
    for p in pods:
        ns, name = p.split("/")
        i, j = NS.index(ns) + 1, "abc".index(name) + 1
        out[p] = f"10.244.{i}.{j}" if family == 4 else f"fd00:10:244:{i}::{j}"
    return out

def host(ip, family): return ip + ("/32" if family == 4 else "/128")
def large(family): return "0.0.0.0/4" if family == 4 else "f000::/4"  # makeLargeCIDRForIP of 10.244.* / fd00:*

for family in (4, 6):
    sfx = "" if family == 4 else " (IPv6)"
    slug = "" if family == 4 else "-ipv6"
    P = ["x/a", "y/a", "y/b"]
    I = ips(P, family)
    case("should allow egress access to server in CIDR block" + sfx, P, [80], ["TCP"], [
        step([pol("allow-client-a-via-cidr-egress-rule", "x", ML(pod="a"), egress=[{"to": [{"ipBlock": {"cidr": host(I["y/b"], family)}}]}])],
             [("80/TCP", R(P).all_egress("x/a", False).expect("x/a", "y/b", True))])],
         slug="should-allow-egress-access-to-server-in-cidr-block" + slug, podIPs=I)
    P = ["x/a", "x/b", "x/c"]
    I = ips(P, family)
    case("should enforce except clause while egress access to server in CIDR block" + sfx, P, [80], ["TCP"], [
        step([pol("allow-client-a-via-cidr-egress-rule", "x", ML(pod="a"), egress=[{"to": [{"ipBlock": {
                "cidr": large(family), "except": [host(I["x/b"], family)]}}]}])],
             [("80/TCP", R(P).expect("x/a", "x/b", False))])],
         slug="should-enforce-except-clause-while-egress-to-cidr-block" + slug, podIPs=I)
    case("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed" + sfx, P, [80], ["TCP"], [
        step([pol("allow-client-a-via-cidr-egress-rule", "x", ML(pod="a"), egress=[{"to": [{"ipBlock": {
                "cidr": large(family), "except": [host(I["x/b"], family)]}}]}])],
             [("80/TCP", R(P).expect("x/a", "x/b", False))]),
        step([pol("allow-client-a-via-cidr-egress-rule", "x", ML(pod="a"), egress=[{"to": [{"ipBlock": {"cidr": host(I["x/b"], family)}}]}])],
             [("80/TCP", R(P).all_egress("x/a", False).expect("x/a", "x/b", True))],
             description="the policy is updated (same name) to allow only x/b's address")],
         slug="should-ensure-an-ip-in-both-cidr-and-except-is-allowed" + slug, podIPs=I)

P = ["x/a", "x/b", "y/a"]
eg = pol("allow-egress-for-target", "x", ML(pod="a"), egress=[{}])
case("should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector", P, [80], ["TCP"], [
    step([eg], [("80/TCP", R(P))], description="x/a may send anywhere"),
    step([eg, pol("deny-ingress-via-label-selector", "x", ML(pod="a"), ingress=[])],
         [("80/TCP", R(P).all_ingress("x/a", False))], description="x/a accepts nothing")])

P = ["x/a", "y/a"]
case("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", P, [81], ["TCP"], [
    step([pol("deny-ingress", "x", {}, ingress=[]),
          pol("allow-only-sctp-ingress-on-port-81", "x", ML(pod="a"), ingress=[{"ports": [{"port": 81, "protocol": "SCTP"}]}])],
         [("81/TCP", R(P).peer({}, {"ns": "x"}, False))])])

case("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", P, [81], ["TCP"], [
    step([pol("allow-only-sctp-ingress-on-port-80", "x", ML(pod="a"), ingress=[{"ports": [{"port": 80, "protocol": "SCTP"}]}])],
         [("81/TCP", R(P).all_ingress("x/a", False))])])

case("should not allow access by TCP when a policy specifies only UDP", P, [81], ["TCP"], [
    step([pol("allow-only-udp-ingress-on-port-81", "x", ML(pod="a"), ingress=[{"ports": [{"port": 81, "protocol": "UDP"}]}])],
         [("81/TCP", R(P).all_ingress("x/a", False))])])

P = ["x/a", "x/b", "y/a", "z/a"]
case("should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label", P, [80], ["TCP"], [
    step([pol("allow-client-a-via-ns-selector-for-immutable-ns-label", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}]}])],
         [("80/TCP", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False))])])

case("should enforce policy based on NamespaceSelector with MatchExpressions using default ns label", P, [80], ["TCP"], [
    step([pol("allow-ns-y-match-selector-for-immutable-ns-label", "x", ML(pod="a"), egress=[{"to": [{"namespaceSelector": ME(NSK, "NotIn", "y")}]}])],
         [("80/TCP", R(P).peer({"ns": "x", "pod": "a"}, {"ns": "y"}, False))])])

# ---- UDP and SCTP variants ----
for proto, suite in (("UDP", "Netpol [LinuxOnly] NetworkPolicy between server and client using UDP"),
                     ("SCTP", "Netpol [Feature:SCTPConnectivity] [LinuxOnly] NetworkPolicy between server and client using SCTP")):
    P = ["x/a", "x/b", "y/a", "y/b"]
    case("should support a 'default-deny-ingress' policy", P, [80], [proto], [
        step([pol("deny-all", "x", {}, ingress=[])], [(f"80/{proto}", R(P).peer({}, {"ns": "x"}, False))])], suite=suite)
    P = ["x/a", "x/b", "y/a", "z/a"]
    case("should enforce policy based on Ports", P, [81], [proto], [
        step([pol("allow-ingress-on-port-81-ns-x", "x", ML(pod="a"), ingress=[{"from": [{"namespaceSelector": MLk(NSK, "y")}],
                                                                           "ports": [{"port": 81, "protocol": proto}]}])],
             [(f"81/{proto}", R(P).peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False).peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False))])],
         suite=suite)
    P = ["x/a", "x/b", "y/a"]
    case("should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
         P, [80], [proto], from_ya(proto, None, P, 80), suite=suite)

os.makedirs(OUT, exist_ok=True)
seen = set()
for c in cases:
    slug = c["slug"]
    if not slug:
        slug = re.sub(r"[^a-z0-9]+", "-", c["name"].lower()).strip("-")
        slug = slug if len(slug) <= 80 else slug[:80].rsplit("-", 1)[0]
    if "UDP" in c["suite"]: slug = "udp-" + slug
    if "SCTP" in c["suite"]: slug = "sctp-" + slug
    assert slug not in seen, slug
    seen.add(slug)
    doc = {"name": c["name"], "upstream": c["suite"] + " " + c["name"].replace(" (IPv6)", ""),
           "pods": c["pods"], "ports": c["ports"], "protocols": c["protocols"]}
    if c["podIPs"]: doc["podIPs"] = c["podIPs"]
    doc["steps"] = c["steps"]
    header = (f"# Carried over from kubernetes/kubernetes@{COMMIT}\n"
              f"# test/e2e/network/netpol/network_policy.go: \"{doc['upstream']}\".\n"
              "# Expect tables: rows are sources, columns destinations; '.' reachable, 'X' denied.\n")
    with open(os.path.join(OUT, slug + ".yaml"), "w") as f:
        f.write(header)
        yaml.dump(doc, f, Dumper=Dumper, sort_keys=False, default_flow_style=None, width=1000, allow_unicode=True)
print(len(cases), "cases")
