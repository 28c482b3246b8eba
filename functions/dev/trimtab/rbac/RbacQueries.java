package dev.trimtab.rbac;

import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.UserInfo;
import java.util.List;

/** The request of an RBAC question, from the words an engineer types (CLI arguments or query parameters). */
public final class RbacQueries {
    private RbacQueries() {}

    /** A can-i question: who asks, with the groups {@link UserInfo#authenticated} gives them, and what. */
    public record CanI(UserInfo user, AccessRequest request) {}

    /**
     * can-i's question from its words ({@code --as USER [--as-group G]... VERB TYPE[/NAME]|URL ...},
     * or the fields of a batch line); problems name the argument.
     */
    public static CanI canI(String user, List<String> groups, String verb, String target, String subresource,
                            String namespace) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("--as: required (offline there is no current user)");
        }
        return new CanI(UserInfo.authenticated(user, groups), request(verb, target, subresource, namespace));
    }

    /** {@code VERB TYPE[/NAME]|URL} with {@code kubectl auth can-i}'s meaning; problems name the argument. */
    public static AccessRequest request(String verb, String target, String subresource, String namespace) {
        if (verb == null || verb.isEmpty()) {
            throw new IllegalArgumentException("verb: required");
        }
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("TYPE[/NAME]|URL: required");
        }
        if (target.startsWith("/")) {
            if (!subresource.isEmpty() || !namespace.isEmpty()) {
                throw new IllegalArgumentException(target + ": a non-resource URL takes no --subresource or --namespace");
            }
            return AccessRequest.nonResource(verb, target);
        }
        int slash = target.indexOf('/');
        String type = slash < 0 ? target : target.substring(0, slash);
        String name = slash < 0 ? "" : target.substring(slash + 1);
        if (type.isEmpty() || (slash >= 0 && (name.isEmpty() || name.contains("/")))) {
            throw new IllegalArgumentException(target + ": want TYPE, TYPE/NAME or a URL starting with /");
        }
        int dot = type.indexOf('.');
        String resource = dot < 0 ? type : type.substring(0, dot);
        String group = dot < 0 ? "" : type.substring(dot + 1);
        return AccessRequest.resource(verb, group, resource, subresource, name, namespace);
    }

}
