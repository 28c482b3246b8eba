package dev.trimtab.network.core;

import dev.trimtab.kube.IpAddress;
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
 *
 * <p>{@link #with} gives the model after one object changes without reading the others again.
 */
public final class NetworkModel {
    private final Map<String, Namespace> namespaces;
    private final List<Pod> pods;
    private final List<NetworkPolicy> policies;
    private final List<String> errors;
    /** What each object read gave, in input order: what {@link #with} replaces one of. */
    private final List<Outcome> outcomes;
    /** Built on first use by the analyzer; derived from the fields above only. */
    private volatile PolicyIndex index;
    /** The index of the model this one was derived from, if built: its unchanged parts are reused. */
    private volatile PolicyIndex previousIndex;

    /**
     * One object as read: {@code where} names it ({@code Pod shop/web}), and it gave either a
     * record ({@link Namespace}, {@link Pod} or {@link NetworkPolicy}) or an error message.
     * Errors the model was given without an object have no {@code where}.
     */
    private record Outcome(String where, Object read, String error) {}

    public NetworkModel(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies, List<String> errors) {
        this(namespaces, pods, policies, errors, given(namespaces, pods, policies, errors));
    }

    private static List<Outcome> given(
            List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies, List<String> errors) {
        List<Outcome> out = new ArrayList<>();
        errors.forEach(e -> out.add(new Outcome(null, null, e)));
        namespaces.forEach(n -> out.add(new Outcome("Namespace " + n.name(), n, null)));
        pods.forEach(p -> out.add(new Outcome("Pod " + p.key(), p, null)));
        policies.forEach(p -> out.add(new Outcome("NetworkPolicy " + p.key(), p, null)));
        return out;
    }

    private NetworkModel(
            List<Namespace> namespaces,
            List<Pod> pods,
            List<NetworkPolicy> policies,
            List<String> errors,
            List<Outcome> outcomes) {
        this.outcomes = outcomes;
        Map<String, Namespace> ns = new LinkedHashMap<>();
        namespaces.forEach(n -> ns.put(n.name(), n));
        pods = lastOfEach(pods, Pod::key);
        policies = lastOfEach(policies, NetworkPolicy::key);
        pods.forEach(p -> implied(ns, p.namespace()));
        policies.forEach(p -> implied(ns, p.namespace()));
        this.namespaces = Map.copyOf(ns);
        this.pods = List.copyOf(pods);
        this.policies = List.copyOf(policies);
        this.errors = List.copyOf(errors);
    }

    private static void implied(Map<String, Namespace> ns, String name) {
        if (!ns.containsKey(name)) {
            ns.put(name, Namespace.named(name));
        }
    }

    private static <T> List<T> lastOfEach(List<T> items, Function<T, String> key) {
        Map<String, T> byKey = new LinkedHashMap<>();
        items.forEach(i -> byKey.put(key.apply(i), i));
        return List.copyOf(byKey.values());
    }

    /** Reads Namespaces, Pods and NetworkPolicies (networking.k8s.io/v1) from {@code objects}. */
    public static NetworkModel fromObjects(List<Map<String, Object>> objects) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            Outcome read = read(o);
            if (read != null) {
                outcomes.add(read);
            }
        }
        return assemble(outcomes);
    }

    /**
     * This model with {@code object} read in place of the last object read under the same kind
     * and namespace/name (or after all of them when there is none): the model
     * {@link #fromObjects} gives for the objects of this one with that replacement, pods and
     * policies in the same order, errors included. An object {@link #fromObjects} ignores (other
     * kinds or versions) changes nothing. Only {@code object} is read; what does not depend on the
     * change (which policies select an unchanged pod) is carried over.
     */
    public NetworkModel with(Map<String, Object> object) {
        Outcome read = read(object);
        if (read == null) {
            return this;
        }
        List<Outcome> next = new ArrayList<>(outcomes);
        int at = -1;
        for (int i = next.size() - 1; i >= 0 && at < 0; i--) {
            if (read.where().equals(next.get(i).where())) {
                at = i;
            }
        }
        if (at >= 0) {
            next.set(at, read);
        } else {
            next.add(read);
        }
        NetworkModel model = assemble(next);
        model.previousIndex = index != null ? index : previousIndex;
        return model;
    }

    /** One object as {@link #fromObjects} reads it; null for an object it ignores. */
    private static Outcome read(Map<String, Object> o) {
        String kind = String.valueOf(o.get("kind"));
        String apiVersion = String.valueOf(o.get("apiVersion"));
        boolean policy = kind.equals("NetworkPolicy") && apiVersion.equals("networking.k8s.io/v1");
        boolean core = apiVersion.equals("v1") && (kind.equals("Namespace") || kind.equals("Pod"));
        if (!policy && !core) {
            return null;
        }
        String where = kind + " " + ObjectParser.describe(o, !kind.equals("Namespace"));
        try {
            return new Outcome(
                    where,
                    switch (kind) {
                        case "Namespace" -> ObjectParser.namespace(o);
                        case "Pod" -> ObjectParser.pod(o);
                        default -> ObjectParser.policy(o);
                    },
                    null);
        } catch (IllegalArgumentException e) {
            return new Outcome(where, null, where + ": " + e.getMessage());
        }
    }

    private static NetworkModel assemble(List<Outcome> outcomes) {
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                errors.add(o.error());
            } else if (o.read() instanceof Namespace n) {
                namespaces.add(n);
            } else if (o.read() instanceof Pod p) {
                pods.add(p);
            } else {
                policies.add((NetworkPolicy) o.read());
            }
        }
        return new NetworkModel(namespaces, pods, policies, errors, outcomes);
    }

    /** Which policies select which pod, built once on first use. */
    PolicyIndex index() {
        PolicyIndex i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = new PolicyIndex(this, previousIndex);
                    index = i;
                    previousIndex = null;
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
        return pods.stream()
                .filter(p -> p.namespace().equals(namespace) && p.name().equals(name))
                .findFirst();
    }

    /** The pod that has {@code ip}, if one does, else the address as an external endpoint. */
    public Endpoint endpointFor(IpAddress ip) {
        return pods.stream()
                .filter(p -> p.ips().contains(ip))
                .findFirst()
                .<Endpoint>map(Endpoint.PodEndpoint::new)
                .orElseGet(() -> new Endpoint.External(ip));
    }
}
