package dev.trimtab.policy.core;

import dev.trimtab.policy.core.AdmissionRequest.Gvk;
import dev.trimtab.policy.core.AdmissionRequest.Gvr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which resources in other groups or versions are the same objects, as the API server's
 * equivalent-resource registry knows them: resources with one storage identity (every version of a
 * CustomResourceDefinition; {@code events} in the core group and in {@code events.k8s.io}; the
 * {@code autoscaling} versions of HorizontalPodAutoscalers), each (resource, subresource) with the
 * kind it is served as. {@code matchPolicy: Equivalent} matches a request through them
 * ({@link MatchResources#match}); the object is then converted to the matched version
 * ({@link #convert}).
 *
 * <p>Order matters: the equivalents of a resource are listed in the order they were registered
 * (discovery's order live: groups by priority, versions preferred first), and the first rule that
 * matches any of them decides which version a policy sees.
 *
 * <p>Conversion: between the versions of a CRD whose conversion strategy is {@code None}, the API
 * server changes only {@code apiVersion}, and so does this. Any other conversion (a CRD's
 * conversion webhook, the API server's built-in conversions between HPA or Event versions) is not
 * available here: {@link #convert} then fails, and the policy's failurePolicy decides, as it does
 * in the API server when a conversion fails.
 */
public final class EquivalentResources {
    /** A resource, or one of its subresources ({@code ""}: the resource itself). */
    private record Key(Gvr resource, String subresource) {}

    /** The identity of a group's resource, and whether its versions differ only in apiVersion. */
    private record Identity(String name, boolean apiVersionOnly) {}

    /** The resources of one identity that serve one subresource. */
    private record Same(String identity, String subresource) {}

    /** Built-in resources of one storage with more than one served version (Kubernetes 1.30 and later). */
    public static final EquivalentResources BUILT_IN = builtIn();

    private final Map<Gvr, Identity> identities;
    private final Map<Same, List<Gvr>> byIdentity;
    private final Map<Key, Gvk> kinds;

    private EquivalentResources(Builder b) {
        this.identities = Map.copyOf(b.identities);
        Map<Same, List<Gvr>> groups = new HashMap<>();
        b.byIdentity.forEach((k, v) -> groups.put(k, List.copyOf(v)));
        this.byIdentity = groups;
        this.kinds = Map.copyOf(b.kinds);
    }

    /**
     * The resources equivalent to {@code resource} with {@code subresource}, itself included (if it
     * is known), in registration order; only {@code resource} itself when it is unknown.
     */
    public List<Gvr> equivalents(Gvr resource, String subresource) {
        Identity id = identities.get(resource);
        if (id == null) {
            return List.of(resource);
        }
        return byIdentity.getOrDefault(new Same(id.name(), subresource), List.of(resource));
    }

    /** The kind a (resource, subresource) is served as, or null if it is not known. */
    public Gvk kindFor(Gvr resource, String subresource) {
        return kinds.get(new Key(resource, subresource));
    }

    /**
     * {@code object} (served as {@code from}) as the API server would hand it over in version
     * {@code to}: the same map when they are the same, a copy with {@code apiVersion} changed between
     * versions whose conversion is {@code None}.
     *
     * @throws ConversionException when the conversion is one only the API server or a webhook can do
     */
    public Map<String, Object> convert(Map<String, Object> object, Gvr fromResource, Gvk from, Gvr toResource, Gvk to) {
        if (object == null || from.equals(to)) {
            return object;
        }
        Identity a = identities.get(fromResource);
        Identity b = identities.get(toResource);
        if (a == null || !a.equals(b) || !a.apiVersionOnly() || !from.kind().equals(to.kind())) {
            throw new ConversionException("Trimtab cannot convert " + apiVersion(from) + " " + from.kind() + " to "
                    + apiVersion(to) + " " + to.kind()
                    + (a != null && a.equals(b) && !a.apiVersionOnly()
                            ? " (that conversion is the API server's or a conversion webhook's)"
                            : ""));
        }
        Map<String, Object> copy = new LinkedHashMap<>(object);
        copy.put("apiVersion", apiVersion(to));
        return copy;
    }

    /** Why an object could not be converted to the version a policy matched. */
    public static final class ConversionException extends RuntimeException {
        public ConversionException(String message) {
            super(message);
        }
    }

    static String apiVersion(Gvk k) {
        return k.group().isEmpty() ? k.version() : k.group() + "/" + k.version();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This registry with the versions of {@code crds} (CustomResourceDefinition objects) added; bad ones are skipped. */
    public EquivalentResources withCrds(List<Map<String, Object>> crds) {
        Builder b = new Builder(this);
        crds.forEach(b::crd);
        return b.build();
    }

    /** Registers resources in order; the first registration of a (resource, subresource) stands. */
    public static final class Builder {
        private final Map<Gvr, Identity> identities = new HashMap<>();
        private final Map<Same, List<Gvr>> byIdentity = new HashMap<>();
        private final Map<Key, Gvk> kinds = new HashMap<>();

        private Builder() {}

        private Builder(EquivalentResources from) {
            identities.putAll(from.identities);
            from.byIdentity.forEach((k, v) -> byIdentity.put(k, new ArrayList<>(v)));
            kinds.putAll(from.kinds);
        }

        /**
         * Registers {@code resource}'s {@code subresource} ("" for the resource) as served as
         * {@code kind}, stored under {@code identity}; {@code apiVersionOnly}: the identity's versions
         * convert by changing apiVersion only.
         */
        public Builder register(String identity, boolean apiVersionOnly, Gvr resource, String subresource, Gvk kind) {
            Identity id = identities.computeIfAbsent(resource, r -> new Identity(identity, apiVersionOnly));
            if (!id.name().equals(identity)) {
                return this; // one resource has one storage
            }
            List<Gvr> group = byIdentity.computeIfAbsent(new Same(identity, subresource), k -> new ArrayList<>());
            if (!group.contains(resource)) {
                group.add(resource);
            }
            kinds.putIfAbsent(new Key(resource, subresource), kind);
            return this;
        }

        /**
         * Every served version of a CustomResourceDefinition, with its {@code status} and
         * {@code scale} subresources; a CRD without the fields this needs is skipped.
         */
        @SuppressWarnings("unchecked")
        public Builder crd(Map<String, Object> crd) {
            if (!(crd.get("spec") instanceof Map<?, ?> spec)
                    || !(spec.get("group") instanceof String group)
                    || !(spec.get("names") instanceof Map<?, ?> names)
                    || !(names.get("plural") instanceof String plural)
                    || !(names.get("kind") instanceof String kind)
                    || !(spec.get("versions") instanceof List<?> versions)) {
                return this;
            }
            boolean none = !(spec.get("conversion") instanceof Map<?, ?> c)
                    || c.get("strategy") == null
                    || "None".equals(c.get("strategy"));
            String identity = plural + "." + group;
            for (Object o : versions) {
                if (!(o instanceof Map<?, ?> v)
                        || !(v.get("name") instanceof String version)
                        || Boolean.FALSE.equals(v.get("served"))) {
                    continue;
                }
                Gvr resource = new Gvr(group, version, plural);
                register(identity, none, resource, "", new Gvk(group, version, kind));
                Map<String, Object> subresources =
                        v.get("subresources") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
                if (subresources.containsKey("status")) {
                    register(identity, none, resource, "status", new Gvk(group, version, kind));
                }
                if (subresources.containsKey("scale")) {
                    register(identity, none, resource, "scale", new Gvk("autoscaling", "v1", "Scale"));
                }
            }
            return this;
        }

        public EquivalentResources build() {
            return new EquivalentResources(this);
        }
    }

    private static EquivalentResources builtIn() {
        Builder b = builder();
        // the API server stores both Event APIs in one place; events.k8s.io/v1 is preferred in discovery
        b.register("events", false, new Gvr("", "v1", "events"), "", new Gvk("", "v1", "Event"));
        b.register(
                "events", false, new Gvr("events.k8s.io", "v1", "events"), "", new Gvk("events.k8s.io", "v1", "Event"));
        for (String v : List.of("v2", "v1")) { // v2 is preferred
            Gvr hpa = new Gvr("autoscaling", v, "horizontalpodautoscalers");
            Gvk kind = new Gvk("autoscaling", v, "HorizontalPodAutoscaler");
            b.register("horizontalpodautoscalers.autoscaling", false, hpa, "", kind);
            b.register("horizontalpodautoscalers.autoscaling", false, hpa, "status", kind);
        }
        return b.build();
    }
}
