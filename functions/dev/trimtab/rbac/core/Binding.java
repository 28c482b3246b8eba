package dev.trimtab.rbac.core;

import java.util.List;

/**
 * A RoleBinding (namespaced: grants its role's rules only in its own namespace, whether the role is
 * a Role of that namespace or a ClusterRole) or a ClusterRoleBinding (grants a ClusterRole's rules
 * cluster-wide and in every namespace). {@code role} names the referenced role; a Role reference
 * carries the binding's namespace.
 */
public record Binding(ObjectRef ref, ObjectRef role, List<Subject> subjects) {
    public Binding {
        subjects = List.copyOf(subjects);
    }

    public static Binding clusterRoleBinding(String name, String clusterRole, List<Subject> subjects) {
        return new Binding(
                new ObjectRef(ObjectRef.CLUSTER_ROLE_BINDING, null, name),
                ObjectRef.clusterRole(clusterRole),
                subjects);
    }

    public static Binding roleBinding(String namespace, String name, ObjectRef role, List<Subject> subjects) {
        return new Binding(new ObjectRef(ObjectRef.ROLE_BINDING, namespace, name), role, subjects);
    }

    public boolean isClusterWide() {
        return ref.isClusterScoped();
    }

    /** Whether this binding can grant anything to a request in {@code namespace} ("" = cluster-wide). */
    public boolean appliesIn(String namespace) {
        return isClusterWide() || ref.namespace().equals(namespace);
    }

    /** {@code "" } for a ClusterRoleBinding, else the binding's namespace. */
    public String scope() {
        return isClusterWide() ? "" : ref.namespace();
    }
}
