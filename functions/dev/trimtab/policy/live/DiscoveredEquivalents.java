package dev.trimtab.policy.live;

import dev.trimtab.policy.core.AdmissionRequest.Gvk;
import dev.trimtab.policy.core.AdmissionRequest.Gvr;
import dev.trimtab.policy.core.EquivalentResources;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's equivalent resources, read from discovery as the API server registers them:
 * resources of one plural name whose {@code storageVersionHash} is the same are stored together (every
 * version of a CRD, {@code events} in two groups, the {@code autoscaling} versions of HPAs), in
 * discovery's order (the core group first, then groups by priority, each group's preferred version
 * first). Subresources take their parent's identity and the kind discovery gives them. A
 * CustomResourceDefinition whose conversion is {@code None} says that its versions differ in
 * {@code apiVersion} only; without the CRDs (no permission to read them) no conversion is assumed,
 * and a policy that matches another version of a CRD fails by its failurePolicy.
 */
final class DiscoveredEquivalents {
    private DiscoveredEquivalents() {}

    /** One group version's resources, as discovery lists them. */
    record GroupVersion(String groupVersion, List<APIResource> resources) {}

    /** Reads discovery (and the CRDs, if readable); throws what the client throws when discovery cannot be read. */
    static EquivalentResources read(KubernetesClient client) {
        List<String> groupVersions = new ArrayList<>(List.of("v1"));
        for (APIGroup g : client.getApiGroups().getGroups()) {
            for (GroupVersionForDiscovery v : g.getVersions()) {
                groupVersions.add(v.getGroupVersion());
            }
        }
        List<GroupVersion> lists = new ArrayList<>();
        for (String gv : groupVersions) {
            APIResourceList list = client.getApiResources(gv);
            if (list != null && list.getResources() != null) {
                lists.add(new GroupVersion(gv, list.getResources()));
            }
        }
        if (lists.stream().allMatch(l -> l.resources().isEmpty())) {
            throw new IllegalStateException("discovery listed no resources");
        }
        List<Map<String, Object>> crds = new ArrayList<>();
        try {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .list()
                    .getItems()
                    .forEach(c -> crds.add(Serialization.jsonMapper().convertValue(c, Map.class)));
        } catch (RuntimeException e) {
            // without permission to read CRDs, their versions are still equivalent, but not convertible here
        }
        return of(lists, crds);
    }

    /** The registry of these discovery lists, with the conversion strategy of these CRDs. */
    @SuppressWarnings("unchecked")
    static EquivalentResources of(List<GroupVersion> lists, List<Map<String, Object>> crds) {
        Map<String, Boolean> apiVersionOnly = new HashMap<>(); // "plural.group" of a CRD: its conversion is None
        for (Map<String, Object> crd : crds) {
            if (crd.get("spec") instanceof Map<?, ?> spec && spec.get("names") instanceof Map<?, ?> names) {
                boolean none = !(spec.get("conversion") instanceof Map<?, ?> c)
                        || c.get("strategy") == null
                        || "None".equals(c.get("strategy"));
                apiVersionOnly.put(names.get("plural") + "." + spec.get("group"), none);
            }
        }
        EquivalentResources.Builder b = EquivalentResources.builder();
        for (GroupVersion list : lists) {
            int slash = list.groupVersion().indexOf('/');
            String group = slash < 0 ? "" : list.groupVersion().substring(0, slash);
            String version = list.groupVersion().substring(slash + 1);
            Map<String, String> identities = new HashMap<>();
            for (APIResource r : list.resources()) {
                if (!r.getName().contains("/")) {
                    String hash = r.getStorageVersionHash();
                    String identity = hash == null || hash.isEmpty()
                            ? "own:" + r.getName() + "." + group
                            : "hash:" + hash + ":" + r.getName();
                    identities.put(r.getName(), identity);
                    b.register(
                            identity,
                            apiVersionOnly.getOrDefault(r.getName() + "." + group, false),
                            new Gvr(group, version, r.getName()),
                            "",
                            kind(r, group, version));
                }
            }
            for (APIResource r : list.resources()) {
                int at = r.getName().indexOf('/');
                String parent = at < 0 ? null : r.getName().substring(0, at);
                if (parent != null && identities.containsKey(parent)) {
                    b.register(
                            identities.get(parent),
                            apiVersionOnly.getOrDefault(parent + "." + group, false),
                            new Gvr(group, version, parent),
                            r.getName().substring(at + 1),
                            kind(r, group, version));
                }
            }
        }
        return b.build();
    }

    private static Gvk kind(APIResource r, String group, String version) {
        boolean own = r.getVersion() == null || r.getVersion().isEmpty();
        return new Gvk(
                own ? group : r.getGroup() == null ? "" : r.getGroup(),
                own ? version : r.getVersion(),
                r.getKind() == null ? "" : r.getKind());
    }
}
