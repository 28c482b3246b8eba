package dev.trimtab.policy.load;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.AccessChecker;
import dev.trimtab.policy.core.EquivalentResources;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ValidatingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster made of a list of objects (from files, or a snapshot): namespaces, parameter objects
 * and CustomResourceDefinitions (for {@code matchPolicy: Equivalent}) for {@link PolicyEngine},
 * and RBAC objects for the CEL {@code authorizer}. A kind is namespaced unless it is one of
 * Kubernetes' cluster-scoped kinds or its objects carry no namespace.
 */
public final class ObjectCluster implements PolicyEngine.Cluster {
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "Node",
            "PersistentVolume",
            "ClusterRole",
            "ClusterRoleBinding",
            "StorageClass",
            "CustomResourceDefinition",
            "PriorityClass",
            "IngressClass",
            "RuntimeClass",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");
    private final List<Map<String, Object>> objects;
    private RbacAccess access;
    private EquivalentResources equivalents;

    public ObjectCluster(List<Map<String, Object>> objects) {
        this.objects = List.copyOf(objects);
    }

    /** The authorizer's checks, answered from the RBAC objects among these (built on first use). */
    @Override
    public synchronized AccessChecker access() {
        if (access == null) {
            access = RbacAccess.of(objects);
        }
        return access;
    }

    /** The built-in equivalent resources and the versions of the CustomResourceDefinitions among these objects. */
    @Override
    public synchronized EquivalentResources equivalents() {
        if (equivalents == null) {
            equivalents = EquivalentResources.BUILT_IN.withCrds(crds());
        }
        return equivalents;
    }

    /** The CustomResourceDefinition objects among these. */
    public List<Map<String, Object>> crds() {
        return objects.stream()
                .filter(o -> "CustomResourceDefinition".equals(o.get("kind"))
                        && String.valueOf(o.get("apiVersion")).startsWith("apiextensions.k8s.io/"))
                .toList();
    }

    @Override
    public Map<String, Object> namespace(String name) {
        for (Map<String, Object> o : objects) {
            if ("Namespace".equals(o.get("kind")) && name.equals(meta(o, "name"))) {
                return o;
            }
        }
        return null;
    }

    @Override
    public boolean namespaced(ValidatingPolicy.ParamKind kind) {
        if (CLUSTER_SCOPED.contains(kind.kind())) {
            return false;
        }
        return objects.stream()
                .filter(o -> is(o, kind))
                .allMatch(o -> !meta(o, "namespace").isEmpty());
    }

    @Override
    public List<Map<String, Object>> params(
            ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (is(o, kind)
                    && meta(o, "namespace").equals(namespace)
                    && (name != null ? name.equals(meta(o, "name")) : selector.matches(labels(o)))) {
                out.add(o);
            }
        }
        return out;
    }

    private static boolean is(Map<String, Object> o, ValidatingPolicy.ParamKind kind) {
        return kind.kind().equals(o.get("kind")) && kind.apiVersion().equals(o.get("apiVersion"));
    }

    private static String meta(Map<String, Object> o, String field) {
        return o.get("metadata") instanceof Map<?, ?> m && m.get(field) instanceof String s ? s : "";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(Map<String, Object> o) {
        return o.get("metadata") instanceof Map<?, ?> m && m.get("labels") instanceof Map<?, ?> l
                ? (Map<String, String>) l
                : Map.of();
    }
}
