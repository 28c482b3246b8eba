package dev.trimtab.auth.core;

/**
 * One question for a SubjectAccessReview: either resource attributes ({@code verb} on
 * {@code resource/subresource} of API group {@code group}, in {@code namespace} or cluster-wide
 * when it is empty) or non-resource attributes ({@code verb} on the URL {@code path}). Built by
 * {@link #resource} and {@link #nonResource}; exactly one of the two shapes is set.
 */
public record Permission(
        String verb, String group, String resource, String subresource, String namespace, String path) {
    public static Permission resource(
            String verb, String group, String resource, String subresource, String namespace) {
        return new Permission(
                verb,
                group,
                resource,
                subresource == null ? "" : subresource,
                namespace == null ? "" : namespace,
                null);
    }

    public static Permission nonResource(String verb, String path) {
        return new Permission(verb, null, null, null, null, path);
    }

    public boolean isResource() {
        return path == null;
    }

    public boolean clusterWide() {
        return isResource() && namespace.isEmpty();
    }

    /**
     * As a person would check it: {@code get rbac/can-i (query.trimtab.dev) in namespace shop},
     * {@code get on non-resource URL /metrics}.
     */
    public String describe() {
        if (!isResource()) {
            return verb + " on non-resource URL " + path;
        }
        return verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource) + " (" + group + ")"
                + (namespace.isEmpty() ? " cluster-wide" : " in namespace " + namespace);
    }

    /** The kubectl command that asks the API server the same question for a user. */
    public String kubectlCanI(String user) {
        String as = " --as=" + user;
        if (!isResource()) {
            return "kubectl auth can-i " + verb + " " + path + as;
        }
        return "kubectl auth can-i " + verb + " " + resource + "." + group
                + (subresource.isEmpty() ? "" : " --subresource=" + subresource)
                + (namespace.isEmpty() ? " --all-namespaces" : " -n " + namespace) + as;
    }
}
