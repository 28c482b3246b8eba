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
 */
public final class RbacModel {
    private final Map<ObjectRef, Role> roles = new LinkedHashMap<>();
    private final Map<ObjectRef, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, List<PolicyRule>> clusterRoleRules;
    private final List<String> errors;
    private final List<String> warnings;
    /** Built on first use by the authorizer; derived from the fields above only. */
    private volatile BindingIndex bindingIndex;

    private RbacModel(List<Role> roles, List<Binding> bindings, List<String> errors, List<String> warnings) {
        List<String> w = new ArrayList<>(warnings);
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
        this.clusterRoleRules = Aggregator.effectiveRules(this.roles.values().stream()
                .filter(r -> r.ref().isClusterScoped()).toList());
        for (Binding b : this.bindings.values()) {
            if (!this.roles.containsKey(b.role())) {
                w.add(b.ref() + ": roleRef: " + b.role() + " not found; the binding grants nothing");
            }
        }
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(w);
    }

    /** From records already validated (or deliberately not: upstream test vectors bypass validation). */
    public static RbacModel of(List<Role> roles, List<Binding> bindings) {
        return new RbacModel(roles, bindings, List.of(), List.of());
    }

    /** From Kubernetes objects as map trees; objects of other kinds are ignored. */
    public static RbacModel fromObjects(List<Map<String, Object>> objects) {
        RbacParser.Parsed p = RbacParser.parse(objects);
        return new RbacModel(p.roles(), p.bindings(), p.errors(), p.warnings());
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
        bindings.values().stream().filter(b -> !b.isClusterWide()).forEach(b -> out.add(b.ref().namespace()));
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
