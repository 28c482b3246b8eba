package dev.trimtab.rbac.core;

import java.util.Objects;

/**
 * Names an RBAC object: {@code kind} (Role, ClusterRole, RoleBinding, ClusterRoleBinding),
 * {@code namespace} (null for the cluster-scoped kinds) and {@code name}.
 */
public record ObjectRef(String kind, String namespace, String name) {
    public static final String ROLE = "Role";
    public static final String CLUSTER_ROLE = "ClusterRole";
    public static final String ROLE_BINDING = "RoleBinding";
    public static final String CLUSTER_ROLE_BINDING = "ClusterRoleBinding";

    public static ObjectRef clusterRole(String name) {
        return new ObjectRef(CLUSTER_ROLE, null, name);
    }

    public static ObjectRef role(String namespace, String name) {
        return new ObjectRef(ROLE, namespace, name);
    }

    /**
     * Component by component, as a record compares, name first (the usual difference), without
     * the generated method's indirection: bindings are matched to roles by this. The generated
     * {@code hashCode} stays: it agrees with this.
     */
    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof ObjectRef r
                        && Objects.equals(name, r.name)
                        && Objects.equals(namespace, r.namespace)
                        && Objects.equals(kind, r.kind);
    }

    public boolean isClusterScoped() {
        return namespace == null;
    }

    /** {@code ClusterRole view}, {@code Role team-a/reader}: how messages name objects. */
    @Override
    public String toString() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }
}
