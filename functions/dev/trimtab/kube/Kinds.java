package dev.trimtab.kube;

import java.util.Locale;

/** Kubernetes naming conventions that need no discovery. */
public final class Kinds {
    private Kinds() {}

    /**
     * The resource (plural) of a kind as Kubernetes' default RESTMapper guesses it:
     * {@code Deployment} → {@code deployments}, {@code NetworkPolicy} → {@code networkpolicies},
     * {@code Ingress} → {@code ingresses}. Kinds registered with irregular plurals need discovery.
     */
    public static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("ch") || k.endsWith("sh")) {
            return k + "es";
        }
        if (k.endsWith("y") && !k.endsWith("ay") && !k.endsWith("ey") && !k.endsWith("oy") && !k.endsWith("uy")) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }
}
