package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A binding's parameter objects, found as the API server's CollectParams finds them. */
final class Params {
    private Params() {}

    /**
     * The params to evaluate a policy with for a binding: [CEL null] without paramKind or paramRef;
     * [] to skip the binding (none found, {@code parameterNotFoundAction: Allow}).
     *
     * @throws IllegalArgumentException a configuration error, in the API server's words
     */
    static List<Object> of(
            ValidatingPolicy.ParamKind kind,
            PolicyBinding.ParamRef ref,
            AdmissionRequest r,
            PolicyEngine.Cluster cluster) {
        if (kind == null || ref == null) {
            return List.of(NullValue.NULL_VALUE);
        }
        String ns = "";
        boolean namespaced = cluster.namespaced(kind);
        String refNs = ref.namespace() == null ? "" : ref.namespace();
        if (namespaced) {
            ns = !refNs.isEmpty() ? refNs : r.onNamespace() ? "" : r.namespace();
            if (ns.isEmpty()) {
                throw new IllegalArgumentException(
                        "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
            }
        } else if (!refNs.isEmpty()) {
            throw new IllegalArgumentException(
                    "paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
        }
        boolean named = ref.name() != null && !ref.name().isEmpty();
        if (named && ref.selector() != null) {
            throw new IllegalArgumentException("paramRef.name and paramRef.selector are mutually exclusive");
        }
        if (!named && ref.selector() == null) {
            throw new IllegalArgumentException("one of name or selector must be specified");
        }
        List<Map<String, Object>> found = cluster.params(kind, ns, named ? ref.name() : null, ref.selector());
        if (found.isEmpty()) {
            if ("Deny".equals(ref.parameterNotFoundAction())) {
                throw new IllegalArgumentException(
                        "no params found for policy binding with `Deny` parameterNotFoundAction");
            }
            return List.of();
        }
        List<Object> out = new ArrayList<>(found.size());
        for (Map<String, Object> f : found) {
            out.add(Expressions.toCel(f));
        }
        return out;
    }
}
