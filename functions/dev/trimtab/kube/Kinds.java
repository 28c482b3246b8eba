package dev.trimtab.kube;

import java.util.Locale;

/** Kubernetes naming conventions that need no discovery. */
public final class Kinds {
    private Kinds() {}

    /**
     * The resource (plural) of a kind: the standard table's when a built-in group has the kind
     * ({@code Endpoints} → {@code endpoints}, {@code Event} → {@code events}), else a guess after
     * Kubernetes' default RESTMapper: {@code Deployment} → {@code deployments}, {@code NetworkPolicy}
     * → {@code networkpolicies}, {@code Ingress} → {@code ingresses}, {@code Gateway} →
     * {@code gateways}. Like apimachinery's {@code UnsafeGuessKindToResource}, kinds ending in
     * "endpoints" stay as they are. CRDs registered with irregular plurals need discovery.
     */
    public static String plural(String kind) {
        var known = ApiResources.standard().forKindInAnyGroup(kind);
        if (known.isPresent()) {
            return known.get().resource();
        }
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("endpoints")) {
            return k;
        }
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("ch") || k.endsWith("sh")) {
            return k + "es";
        }
        if (k.endsWith("y") && !k.endsWith("ay") && !k.endsWith("ey") && !k.endsWith("oy") && !k.endsWith("uy")) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }
}
