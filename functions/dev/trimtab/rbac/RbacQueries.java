package dev.trimtab.rbac;

import dev.trimtab.kube.ApiResources;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.UserInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The request of an RBAC question, from the words an engineer types (CLI arguments, batch lines or
 * query parameters), read as {@code kubectl auth can-i} reads them: {@code TYPE} is resolved against
 * the API resources (plural, singular, short name or kind, optionally {@code .GROUP} or
 * {@code .VERSION.GROUP}), so {@code deployments} and {@code deploy} ask about
 * {@code deployments.apps}. A {@code TYPE} nothing resolves is warned about, as kubectl warns, and
 * read as {@code RESOURCE[.GROUP]}: offline the manifests may not hold every CRD, and kubectl's
 * literal reading (the whole word as a core-group resource) could never match a rule.
 */
public final class RbacQueries {
    private RbacQueries() {}

    /** A can-i question: who asks, with the groups {@link UserInfo#authenticated} gives them, and what. */
    public record CanI(UserInfo user, AccessRequest request) {}

    /**
     * can-i's question from its words ({@code --as USER [--as-group G]... VERB TYPE[/NAME]|URL ...},
     * or the fields of a batch line); problems name the argument.
     */
    public static CanI canI(
            String user,
            List<String> groups,
            String verb,
            String target,
            String subresource,
            String namespace,
            ApiResources resources,
            Consumer<String> warnings) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("--as: required (offline there is no current user)");
        }
        return new CanI(
                UserInfo.authenticated(user, groups),
                request(verb, target, subresource, namespace, resources, warnings));
    }

    /**
     * {@code VERB TYPE[/NAME]|URL} with {@code kubectl auth can-i}'s meaning in {@code namespace}
     * ({@code ""}: all namespaces); problems name the argument, warnings (an unknown type, a namespace
     * given for a cluster-scoped resource) go to {@code warnings} in kubectl's words.
     */
    public static AccessRequest request(
            String verb,
            String target,
            String subresource,
            String namespace,
            ApiResources resources,
            Consumer<String> warnings) {
        if (verb == null || verb.isEmpty()) {
            throw new IllegalArgumentException("verb: required");
        }
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("TYPE[/NAME]|URL: required");
        }
        String sub = subresource == null ? "" : subresource;
        String ns = namespace == null ? "" : namespace;
        if (target.startsWith("/")) {
            if (!sub.isEmpty()) {
                throw new IllegalArgumentException(target + ": a non-resource URL takes no --subresource");
            }
            return AccessRequest.nonResource(verb, target);
        }
        int slash = target.indexOf('/');
        String type = slash < 0 ? target : target.substring(0, slash);
        String name = slash < 0 ? "" : target.substring(slash + 1);
        if (type.isEmpty() || (slash >= 0 && (name.isEmpty() || name.contains("/")))) {
            throw new IllegalArgumentException(target + ": want TYPE, TYPE/NAME or a URL starting with /");
        }
        if (type.equals("*")) {
            return AccessRequest.resource(verb, "", "*", sub, name, ns);
        }
        Optional<ApiResources.ApiResource> found = resources.resolve(type);
        if (found.isPresent()) {
            ApiResources.ApiResource r = found.get();
            if (!r.namespaced() && !ns.isEmpty()) {
                warnings.accept("Warning: resource '" + r.resource() + "' is not namespace scoped"
                        + (r.group().isEmpty() ? "" : " in group '" + r.group() + "'"));
            }
            return AccessRequest.resource(verb, r.group(), r.resource(), sub, name, ns);
        }
        String lower = type.toLowerCase(Locale.ROOT);
        int dot = lower.indexOf('.');
        String resource = dot < 0 ? lower : lower.substring(0, dot);
        String group = dot < 0 ? "" : lower.substring(dot + 1);
        if (!(group.isEmpty() && (resource.equals("users") || resource.equals("groups")))) {
            warnings.accept("Warning: the server doesn't have a resource type '" + resource + "'"
                    + (group.isEmpty() ? "" : " in group '" + group + "'"));
        }
        return AccessRequest.resource(verb, group, resource, sub, name, ns);
    }
}
