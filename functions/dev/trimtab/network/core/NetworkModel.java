package dev.trimtab.network.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cluster state NetworkPolicy evaluation reads: namespaces (with labels), pods and policies.
 * Built from Kubernetes objects as map trees; other kinds are ignored. An object that cannot be
 * read is left out and reported once, naming kind, namespace/name and field
 * ({@code NetworkPolicy shop/deny: spec.ingress[0].ports[1].port: got "a b", want ...}); the rest
 * is still evaluated. A namespace that pods or policies mention without a Namespace object exists
 * with only its {@code kubernetes.io/metadata.name} label. Objects without
 * {@code metadata.namespace} are in {@code default}, and of two objects with the same kind and
 * name the later one is kept (in the earlier one's place), as {@code kubectl apply} would leave them.
 */
public final class NetworkModel {
    private final Map<String, Namespace> namespaces;
    private final List<Pod> pods;
    private final List<NetworkPolicy> policies;
    private final List<String> errors;
    /** Built on first use by the analyzer; derived from the fields above only. */
    private volatile PolicyIndex index;

    public NetworkModel(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies, List<String> errors) {
        Map<String, Namespace> ns = new LinkedHashMap<>();
        namespaces.forEach(n -> ns.put(n.name(), n));
        pods = lastOfEach(pods, Pod::key);
        policies = lastOfEach(policies, NetworkPolicy::key);
        pods.forEach(p -> ns.putIfAbsent(p.namespace(), Namespace.named(p.namespace())));
        policies.forEach(p -> ns.putIfAbsent(p.namespace(), Namespace.named(p.namespace())));
        this.namespaces = Map.copyOf(ns);
        this.pods = List.copyOf(pods);
        this.policies = List.copyOf(policies);
        this.errors = List.copyOf(errors);
    }

    private static <T> List<T> lastOfEach(List<T> items, Function<T, String> key) {
        Map<String, T> byKey = new LinkedHashMap<>();
        items.forEach(i -> byKey.put(key.apply(i), i));
        return List.copyOf(byKey.values());
    }

    /** Reads Namespaces, Pods and NetworkPolicies (networking.k8s.io/v1) from {@code objects}. */
    public static NetworkModel fromObjects(List<Map<String, Object>> objects) {
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            String kind = String.valueOf(o.get("kind"));
            String apiVersion = String.valueOf(o.get("apiVersion"));
            boolean policy = kind.equals("NetworkPolicy") && apiVersion.equals("networking.k8s.io/v1");
            boolean core = apiVersion.equals("v1") && (kind.equals("Namespace") || kind.equals("Pod"));
            if (!policy && !core) {
                continue;
            }
            String where = kind + " " + ObjectParser.describe(o, !kind.equals("Namespace"));
            try {
                switch (kind) {
                    case "Namespace" -> namespaces.add(ObjectParser.namespace(o));
                    case "Pod" -> pods.add(ObjectParser.pod(o));
                    default -> policies.add(ObjectParser.policy(o));
                }
            } catch (IllegalArgumentException e) {
                errors.add(where + ": " + e.getMessage());
            }
        }
        return new NetworkModel(namespaces, pods, policies, errors);
    }

    /** Which policies select which pod, built once on first use. */
    PolicyIndex index() {
        PolicyIndex i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = new PolicyIndex(this);
                    index = i;
                }
            }
        }
        return i;
    }

    public List<Pod> pods() {
        return pods;
    }

    public List<NetworkPolicy> policies() {
        return policies;
    }

    /** One message per object left out, in input order. */
    public List<String> errors() {
        return errors;
    }

    /** Every namespace, given or implied, by name. */
    public Map<String, Namespace> namespaces() {
        return namespaces;
    }

    /**
     * The labels of namespace {@code name}; a namespace nobody mentions still has its name label
     * (a selector may be asked about it).
     */
    public Map<String, String> namespaceLabels(String name) {
        Namespace ns = namespaces.get(name);
        return ns != null ? ns.labels() : Namespace.named(name).labels();
    }

    public Optional<Pod> pod(String namespace, String name) {
        return pods.stream().filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).findFirst();
    }

    /** The pod that has {@code ip}, if one does, else the address as an external endpoint. */
    public Endpoint endpointFor(IpAddress ip) {
        return pods.stream().filter(p -> p.ips().contains(ip)).findFirst()
                .<Endpoint>map(Endpoint.PodEndpoint::new).orElseGet(() -> new Endpoint.External(ip));
    }
}
