package dev.trimtab.rbac.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes RBAC objects as the map trees Jackson gives, for tests. */
final class RbacObjects {
    private static final String V1 = "rbac.authorization.k8s.io/v1";

    private RbacObjects() {}

    static Map<String, Object> rule(List<String> verbs, List<String> groups, List<String> resources) {
        return Map.of("verbs", verbs, "apiGroups", groups, "resources", resources);
    }

    /** A ClusterRole; {@code extra} entries (metadata, aggregationRule) override the defaults. */
    static Map<String, Object> clusterRole(String name, Map<String, Object> extra, Map<?, ?>... rules) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", V1);
        m.put("kind", "ClusterRole");
        m.put("metadata", Map.of("name", name));
        m.put("rules", List.of(rules));
        m.putAll(extra);
        return m;
    }

    static Map<String, Object> role(String namespace, String name, Map<?, ?>... rules) {
        return Map.of(
                "apiVersion",
                V1,
                "kind",
                "Role",
                "metadata",
                Map.of("name", name, "namespace", namespace),
                "rules",
                List.of(rules));
    }

    static Map<String, Object> clusterRoleBinding(String name, String clusterRole, Map<?, ?>... subjects) {
        return Map.of(
                "apiVersion",
                V1,
                "kind",
                "ClusterRoleBinding",
                "metadata",
                Map.of("name", name),
                "roleRef",
                Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", clusterRole),
                "subjects",
                List.of(subjects));
    }

    static Map<String, Object> roleBinding(
            String namespace, String name, String roleKind, String role, Map<?, ?>... subjects) {
        return Map.of(
                "apiVersion",
                V1,
                "kind",
                "RoleBinding",
                "metadata",
                Map.of("name", name, "namespace", namespace),
                "roleRef",
                Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", roleKind, "name", role),
                "subjects",
                List.of(subjects));
    }

    static Map<String, Object> user(String name) {
        return Map.of("kind", "User", "name", name, "apiGroup", "rbac.authorization.k8s.io");
    }

    static Map<String, Object> group(String name) {
        return Map.of("kind", "Group", "name", name, "apiGroup", "rbac.authorization.k8s.io");
    }

    static Map<String, Object> serviceAccount(String namespace, String name) {
        return namespace == null
                ? Map.of("kind", "ServiceAccount", "name", name)
                : Map.of("kind", "ServiceAccount", "name", name, "namespace", namespace);
    }
}
