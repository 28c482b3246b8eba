package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A snapshot of a cluster's RBAC objects with aggregation resolved. Built from map trees it keeps
 * every valid object and reports the invalid ones in {@link #errors()}; {@link #warnings()} tells
 * what was read but may not mean what it seems (a binding to a missing role grants nothing, a
 * later definition of the same object replaces the earlier one, an absent namespace).
 * {@link #with} gives the model after one object changes without reading the others again.
 */
public final class RbacModel {
    private final Map<ObjectRef, Role> roles = new LinkedHashMap<>();
    private final Map<ObjectRef, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, List<PolicyRule>> clusterRoleRules;
    private final List<String> errors;
    private final List<String> warnings;
    /** What each object read gave, in input order: what {@link #with} replaces one of. */
    private final List<RbacParser.Read> reads;
    /** The ClusterRoles the aggregation was worked out from. */
    private final List<Role> clusterRoles;
    /** Built on first use by the authorizer; derived from the fields above only. */
    private volatile BindingIndex bindingIndex;

    /** @param previous a model whose aggregation is taken over when its ClusterRoles are the same objects, or null */
    private RbacModel(List<RbacParser.Read> reads, RbacModel previous) {
        this(RbacParser.parsed(reads), reads, previous);
    }

    private RbacModel(RbacParser.Parsed p, List<RbacParser.Read> reads, RbacModel previous) {
        this.reads = reads;
        List<Role> roles = p.roles();
        List<Binding> bindings = p.bindings();
        List<String> errors = p.errors();
        List<String> w = new ArrayList<>(p.warnings());
        for (Role r : roles) {
            if (this.roles.put(r.ref(), r) != null) {
                w.add(r.ref() + ": defined more than once; the last definition is used");
            }
        }
        for (Binding b : bindings) {
            if (this.bindings.put(b.ref(), b) != null) {
                w.add(b.ref() + ": defined more than once; the last definition is used");
            }
        }
        this.clusterRoles = this.roles.values().stream()
                .filter(r -> r.ref().isClusterScoped())
                .toList();
        this.clusterRoleRules = previous != null && sameObjects(previous.clusterRoles, clusterRoles)
                ? previous.clusterRoleRules
                : Aggregator.effectiveRules(clusterRoles);
        for (Binding b : this.bindings.values()) {
            if (!this.roles.containsKey(b.role())) {
                w.add(b.ref() + ": roleRef: " + b.role() + " not found; the binding grants nothing");
            }
        }
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(w);
    }

    private static boolean sameObjects(List<Role> a, List<Role> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** From records already validated (or deliberately not: upstream test vectors bypass validation). */
    public static RbacModel of(List<Role> roles, List<Binding> bindings) {
        List<RbacParser.Read> reads = new ArrayList<>();
        roles.forEach(r -> reads.add(new RbacParser.Read(r.ref(), r, null, List.of(), List.of())));
        bindings.forEach(b -> reads.add(new RbacParser.Read(b.ref(), null, b, List.of(), List.of())));
        return new RbacModel(reads, null);
    }

    /** From Kubernetes objects as map trees; objects of other kinds are ignored. */
    public static RbacModel fromObjects(List<Map<String, Object>> objects) {
        List<RbacParser.Read> reads = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            RbacParser.Read r = RbacParser.read(o);
            if (r != null) {
                reads.add(r);
            }
        }
        return new RbacModel(reads, null);
    }

    /**
     * This model with {@code object} read in place of the last object read under the same kind,
     * namespace and name (or after all of them when there is none): the model
     * {@link #fromObjects} gives for the objects of this one with that replacement, errors and
     * warnings included, as an update of that object on the API server leaves them. An object
     * of no RBAC kind changes nothing. Only {@code object} is read, and the aggregation is taken
     * over when no ClusterRole changed.
     */
    public RbacModel with(Map<String, Object> object) {
        RbacParser.Read read = RbacParser.read(object);
        if (read == null) {
            return this;
        }
        List<RbacParser.Read> next = new ArrayList<>(reads);
        int at = -1;
        for (int i = next.size() - 1; i >= 0 && at < 0; i--) {
            if (next.get(i).ref().equals(read.ref())) {
                at = i;
            }
        }
        if (at >= 0) {
            next.set(at, read);
        } else {
            next.add(read);
        }
        return new RbacModel(next, this);
    }

    /**
     * The rules a binding to {@code role} grants: a Role's rules, a ClusterRole's rules or, for an
     * aggregated ClusterRole, the aggregate. Empty when the role does not exist.
     */
    public Optional<List<PolicyRule>> rulesOf(ObjectRef role) {
        Role r = roles.get(role);
        if (r == null) {
            return Optional.empty();
        }
        return Optional.of(role.isClusterScoped() ? clusterRoleRules.get(role.name()) : r.rules());
    }

    /** The bindings by scope and by the names they bind, built once on first use. */
    BindingIndex bindingIndex() {
        BindingIndex i = bindingIndex;
        if (i == null) {
            synchronized (this) {
                i = bindingIndex;
                if (i == null) {
                    i = new BindingIndex(this);
                    bindingIndex = i;
                }
            }
        }
        return i;
    }

    public Optional<Role> role(ObjectRef ref) {
        return Optional.ofNullable(roles.get(ref));
    }

    public Collection<Role> roles() {
        return roles.values();
    }

    /** In input order, ClusterRoleBindings and RoleBindings mixed. */
    public Collection<Binding> bindings() {
        return bindings.values();
    }

    /** The namespaces where some RoleBinding lives, sorted. */
    public SortedSet<String> bindingNamespaces() {
        SortedSet<String> out = new TreeSet<>();
        bindings.values().stream()
                .filter(b -> !b.isClusterWide())
                .forEach(b -> out.add(b.ref().namespace()));
        return out;
    }

    /** Objects left out, each message naming the object and field. */
    public List<String> errors() {
        return errors;
    }

    public List<String> warnings() {
        return warnings;
    }
}
