package dev.trimtab.rbac.core;

import java.util.Objects;

/**
 * What is asked: a verb on a resource (API group, resource, subresource, object name, namespace;
 * each empty when absent, namespace empty for a cluster-wide request) or a verb on a non-resource
 * URL ({@code path} non-null, always cluster-wide). Verbs and resources are taken literally, as the
 * authorizer sees them: lower-case plural resource names, no discovery.
 */
public record AccessRequest(
        String verb, String apiGroup, String resource, String subresource, String name, String namespace, String path) {
    public AccessRequest {
        Objects.requireNonNull(verb, "verb");
        apiGroup = orEmpty(apiGroup);
        resource = orEmpty(resource);
        subresource = orEmpty(subresource);
        name = orEmpty(name);
        namespace = path != null ? "" : orEmpty(namespace);
    }

    public static AccessRequest resource(
            String verb, String apiGroup, String resource, String subresource, String name, String namespace) {
        return new AccessRequest(verb, apiGroup, resource, subresource, name, namespace, null);
    }

    public static AccessRequest nonResource(String verb, String path) {
        return new AccessRequest(verb, "", "", "", "", "", Objects.requireNonNull(path, "path"));
    }

    public boolean isNonResource() {
        return path != null;
    }

    public boolean isClusterWide() {
        return namespace.isEmpty();
    }

    /** {@code resource/subresource}, or the resource alone. */
    public String combinedResource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /** {@code get pods/log "web" in namespace "a"}, {@code get nonResourceURL "/healthz"}. */
    @Override
    public String toString() {
        if (isNonResource()) {
            return verb + " nonResourceURL \"" + path + "\"";
        }
        String what = verb + " " + (apiGroup.isEmpty() ? resource : resource + "." + apiGroup)
                + (subresource.isEmpty() ? "" : "/" + subresource)
                + (name.isEmpty() ? "" : " \"" + name + "\"");
        return what + (namespace.isEmpty() ? " cluster-wide" : " in namespace \"" + namespace + "\"");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
