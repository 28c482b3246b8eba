package dev.trimtab.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The API resources a cluster serves, resolved as kubectl resolves a resource argument: an offline
 * stand-in for discovery plus kubectl's RESTMapper (a shortcut expander over a priority mapper).
 * {@link #standard()} holds what a vanilla Kubernetes 1.31 cluster lists in {@code kubectl
 * api-resources}, plus metrics-server's {@code metrics.k8s.io}; {@link #withAll} adds discovered ones
 * (CRDs).
 *
 * <p>Order is preference. The list is kept in discovery order: each group's preferred version first,
 * then its other served versions (a 1.31 cluster also serves {@code autoscaling/v1} and
 * {@code flowcontrol.apiserver.k8s.io/v1beta3}, which {@code api-resources} does not print but a
 * version-qualified argument can name). Built-in groups follow the kube-apiserver's group priorities
 * ({@code apiregistration.k8s.io}, then {@code apps} 17800, {@code events.k8s.io} 17750, … down to
 * {@code flowcontrol.apiserver.k8s.io} 16100), then {@code metrics.k8s.io}, then added resources in
 * the order given. The core group always wins, as kubectl's mapper puts {@code /v1} first whatever
 * the discovery order: {@code events} is core's, not {@code events.k8s.io}'s; {@code pods} is core's,
 * not {@code metrics.k8s.io}'s. (On a real cluster CRD groups, at priority 1000, precede metrics-server's
 * 100; only a clash between the two would tell.)
 */
public final class ApiResources {
    /**
     * One resource of one group-version, as discovery describes it.
     *
     * @param group {@code ""} for the core (legacy) group
     * @param singular blank when the server did not say (older aggregated servers): then the
     *     lower-cased kind, the guess kubectl's discovery mapper makes
     */
    public record ApiResource(
            String group,
            String version,
            String resource,
            String singular,
            String kind,
            boolean namespaced,
            List<String> shortNames) {
        public ApiResource {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(kind, "kind");
            singular = singular == null || singular.isBlank() ? kind.toLowerCase(Locale.ROOT) : singular;
            shortNames = shortNames == null ? List.of() : List.copyOf(shortNames);
        }

        /** {@code apps/v1}, or {@code v1} for the core group: the {@code apiVersion} of the kind. */
        public String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    private static final ApiResources STANDARD = new ApiResources(List.of(
            r("v1", "bindings", "Binding", true),
            r("v1", "componentstatuses", "ComponentStatus", false, "cs"),
            r("v1", "configmaps", "ConfigMap", true, "cm"),
            r("v1", "endpoints", "Endpoints", true, "ep"),
            r("v1", "events", "Event", true, "ev"),
            r("v1", "limitranges", "LimitRange", true, "limits"),
            r("v1", "namespaces", "Namespace", false, "ns"),
            r("v1", "nodes", "Node", false, "no"),
            r("v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc"),
            r("v1", "persistentvolumes", "PersistentVolume", false, "pv"),
            r("v1", "pods", "Pod", true, "po"),
            r("v1", "podtemplates", "PodTemplate", true),
            r("v1", "replicationcontrollers", "ReplicationController", true, "rc"),
            r("v1", "resourcequotas", "ResourceQuota", true, "quota"),
            r("v1", "secrets", "Secret", true),
            r("v1", "serviceaccounts", "ServiceAccount", true, "sa"),
            r("v1", "services", "Service", true, "svc"),
            r("apiregistration.k8s.io/v1", "apiservices", "APIService", false),
            r("apps/v1", "controllerrevisions", "ControllerRevision", true),
            r("apps/v1", "daemonsets", "DaemonSet", true, "ds"),
            r("apps/v1", "deployments", "Deployment", true, "deploy"),
            r("apps/v1", "replicasets", "ReplicaSet", true, "rs"),
            r("apps/v1", "statefulsets", "StatefulSet", true, "sts"),
            r("events.k8s.io/v1", "events", "Event", true, "ev"),
            r("authentication.k8s.io/v1", "selfsubjectreviews", "SelfSubjectReview", false),
            r("authentication.k8s.io/v1", "tokenreviews", "TokenReview", false),
            r("authorization.k8s.io/v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
            r("authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
            r("authorization.k8s.io/v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
            r("authorization.k8s.io/v1", "subjectaccessreviews", "SubjectAccessReview", false),
            r("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa"),
            r("autoscaling/v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa"),
            r("batch/v1", "cronjobs", "CronJob", true, "cj"),
            r("batch/v1", "jobs", "Job", true),
            r("certificates.k8s.io/v1", "certificatesigningrequests", "CertificateSigningRequest", false, "csr"),
            r("networking.k8s.io/v1", "ingressclasses", "IngressClass", false),
            r("networking.k8s.io/v1", "ingresses", "Ingress", true, "ing"),
            r("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true, "netpol"),
            r("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb"),
            r("rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false),
            r("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false),
            r("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true),
            r("rbac.authorization.k8s.io/v1", "roles", "Role", true),
            r("storage.k8s.io/v1", "csidrivers", "CSIDriver", false),
            r("storage.k8s.io/v1", "csinodes", "CSINode", false),
            r("storage.k8s.io/v1", "csistoragecapacities", "CSIStorageCapacity", true),
            r("storage.k8s.io/v1", "storageclasses", "StorageClass", false, "sc"),
            r("storage.k8s.io/v1", "volumeattachments", "VolumeAttachment", false),
            r(
                    "admissionregistration.k8s.io/v1",
                    "mutatingwebhookconfigurations",
                    "MutatingWebhookConfiguration",
                    false),
            r("admissionregistration.k8s.io/v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false),
            r(
                    "admissionregistration.k8s.io/v1",
                    "validatingadmissionpolicybindings",
                    "ValidatingAdmissionPolicyBinding",
                    false),
            r(
                    "admissionregistration.k8s.io/v1",
                    "validatingwebhookconfigurations",
                    "ValidatingWebhookConfiguration",
                    false),
            r("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false, "crd", "crds"),
            r("scheduling.k8s.io/v1", "priorityclasses", "PriorityClass", false, "pc"),
            r("coordination.k8s.io/v1", "leases", "Lease", true),
            r("node.k8s.io/v1", "runtimeclasses", "RuntimeClass", false),
            r("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true),
            r("flowcontrol.apiserver.k8s.io/v1", "flowschemas", "FlowSchema", false),
            r("flowcontrol.apiserver.k8s.io/v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", false),
            r("flowcontrol.apiserver.k8s.io/v1beta3", "flowschemas", "FlowSchema", false),
            r(
                    "flowcontrol.apiserver.k8s.io/v1beta3",
                    "prioritylevelconfigurations",
                    "PriorityLevelConfiguration",
                    false),
            // metrics-server names its singulars after what they measure ("node", "pod"), not the kind.
            new ApiResource("metrics.k8s.io", "v1beta1", "nodes", "node", "NodeMetrics", false, List.of()),
            new ApiResource("metrics.k8s.io", "v1beta1", "pods", "pod", "PodMetrics", true, List.of())));

    private final List<ApiResource> resources;

    private ApiResources(List<ApiResource> resources) {
        this.resources = List.copyOf(resources);
    }

    /** The resources of a vanilla 1.31 cluster with metrics-server; one shared instance. */
    public static ApiResources standard() {
        return STANDARD;
    }

    /** These resources alone, in preference order (see the class comment). */
    public static ApiResources of(List<ApiResource> resources) {
        return new ApiResources(resources);
    }

    /** A new instance with {@code more} (discovered CRDs, say) after these, so at lower preference. */
    public ApiResources withAll(List<ApiResource> more) {
        var all = new ArrayList<>(resources);
        all.addAll(more);
        return new ApiResources(all);
    }

    /**
     * A new instance with the resources of the CustomResourceDefinitions among {@code objects}
     * (manifests as maps): each served version of each, the storage version first, as discovery
     * would list them once the CRDs are applied. Objects of other kinds, and CRDs without a group,
     * a plural or a kind, are passed over.
     */
    public ApiResources withCustomResources(List<Map<String, Object>> objects) {
        List<ApiResource> found = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (!"CustomResourceDefinition".equals(o.get("kind"))
                    || !(o.get("apiVersion") instanceof String v && v.startsWith("apiextensions.k8s.io/"))
                    || !(o.get("spec") instanceof Map<?, ?> spec)
                    || !(spec.get("names") instanceof Map<?, ?> names)
                    || !(spec.get("group") instanceof String group)
                    || !(names.get("plural") instanceof String plural)
                    || !(names.get("kind") instanceof String kind)
                    || !(spec.get("versions") instanceof List<?> versions)) {
                continue;
            }
            String singular = names.get("singular") instanceof String x ? x : null;
            List<String> shortNames = names.get("shortNames") instanceof List<?> l
                    ? l.stream()
                            .filter(String.class::isInstance)
                            .map(String.class::cast)
                            .toList()
                    : List.of();
            boolean namespaced = !"Cluster".equals(spec.get("scope"));
            List<ApiResource> crd = new ArrayList<>();
            for (Object version : versions) {
                if (version instanceof Map<?, ?> ver
                        && ver.get("name") instanceof String name
                        && !Boolean.FALSE.equals(ver.get("served"))) {
                    ApiResource r = new ApiResource(group, name, plural, singular, kind, namespaced, shortNames);
                    crd.add(Boolean.TRUE.equals(ver.get("storage")) ? 0 : crd.size(), r);
                }
            }
            found.addAll(crd);
        }
        return found.isEmpty() ? this : withAll(found);
    }

    /** All resources in preference order; a group's non-preferred versions repeat its resources. */
    public List<ApiResource> resources() {
        return resources;
    }

    /**
     * The resource kubectl means by {@code arg} ({@code kubectl auth can-i VERB arg}): the lower-cased
     * arg read by apimachinery's {@code ParseResourceArg} as {@code resource}, {@code resource.group}
     * or, with two or more dots, first {@code resource.version.group} and then {@code resource.group}
     * with everything after the first dot as the group ({@code networkpolicies.networking.k8s.io} is
     * the latter). {@code resource} is matched as kubectl's shortcut expander and mapper do:
     * <ol>
     *   <li>a plural or singular name (in the group, if one is given): the version must then be served,
     *       so {@code deployments.v2.apps} is empty even though {@code deployments.v1.apps} resolves;
     *   <li>otherwise a short name, first in preference order. kubectl expands a short name to a bare
     *       group and resource, dropping the version, so {@code deploy.v2.apps} resolves to
     *       {@code apps/v1} deployments and {@code hpa.v1.autoscaling} to {@code autoscaling/v2};
     *   <li>otherwise a kind, case-insensitively: {@code kubectl get} falls back to kinds, and for
     *       the standard resources the kind lower-cased is the singular anyway.
     * </ol>
     * Among several matches the core group wins, then preference order; kubectl would call two
     * matches within one later group ambiguous, where this takes the first. A group must match
     * exactly: kubectl's last-resort prefix match of short names ({@code hpa.autoscal}) is left out.
     *
     * @param arg a resource argument without a name or subresource ({@code pods}, not {@code pods/x})
     * @return empty when nothing matches; {@code kubectl auth can-i} then warns and uses the arg as given
     */
    public Optional<ApiResource> resolve(String arg) {
        if (arg == null || arg.isBlank()) {
            return Optional.empty();
        }
        String a = arg.strip().toLowerCase(Locale.ROOT);
        String[] parts = a.split("\\.", 3);
        if (parts.length == 3) {
            Optional<ApiResource> full = lookup(parts[0], parts[1], parts[2]);
            if (full.isPresent()) {
                return full;
            }
        }
        int dot = a.indexOf('.');
        return dot < 0 ? lookup(a, "", "") : lookup(a.substring(0, dot), "", a.substring(dot + 1));
    }

    /**
     * The resource whose kind is exactly {@code kind} in {@code group} ({@code ""} for core), at the
     * group's preferred version: what a client needs to build a path such as {@code .../scale}.
     */
    public Optional<ApiResource> forKind(String group, String kind) {
        return first(r -> r.group().equals(group) && r.kind().equals(kind));
    }

    /** The resource of a kind (exact case) in whichever group has it, the core group first. */
    Optional<ApiResource> forKindInAnyGroup(String kind) {
        return preferred(r -> r.kind().equals(kind));
    }

    /** One reading of the arg; an empty version or group, as in kubectl, constrains nothing. */
    private Optional<ApiResource> lookup(String resource, String version, String group) {
        Predicate<ApiResource> inGroup = r -> group.isEmpty() || r.group().equals(group);
        Predicate<ApiResource> served = r -> version.isEmpty() || r.version().equals(version);
        Predicate<ApiResource> named =
                r -> r.resource().equals(resource) || r.singular().equals(resource);
        if (first(inGroup.and(named)).isPresent()) {
            return preferred(inGroup.and(named).and(served));
        }
        Optional<ApiResource> shortcut =
                preferred(inGroup.and(r -> r.shortNames().contains(resource)));
        if (shortcut.isPresent()) {
            var expanded = shortcut.get();
            return preferred(
                    r -> r.group().equals(expanded.group()) && r.resource().equals(expanded.resource()));
        }
        return preferred(inGroup.and(served).and(r -> r.kind().equalsIgnoreCase(resource)));
    }

    private Optional<ApiResource> preferred(Predicate<ApiResource> p) {
        return first(p.and(r -> r.group().isEmpty())).or(() -> first(p));
    }

    private Optional<ApiResource> first(Predicate<ApiResource> p) {
        return resources.stream().filter(p).findFirst();
    }

    /** A row as {@code kubectl api-resources} prints it: apiVersion, name, kind, namespaced, short names. */
    private static ApiResource r(
            String apiVersion, String plural, String kind, boolean namespaced, String... shortNames) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return new ApiResource(
                group, apiVersion.substring(slash + 1), plural, null, kind, namespaced, List.of(shortNames));
    }
}
