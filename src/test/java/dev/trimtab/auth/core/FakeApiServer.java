package dev.trimtab.auth.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's TokenReview and SubjectAccessReview as a stateful fake: tokens with their
 * user and audiences, and the permissions each user holds. Counts the reviews asked; can be taken
 * down.
 */
final class FakeApiServer implements TokenReviewer, AccessReviewer {
    record Token(UserInfo user, Set<String> audiences) {}

    final Map<String, Token> tokens = new HashMap<>();
    final Map<String, Set<Permission>> grants = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    boolean down;

    FakeApiServer token(String token, UserInfo user, String... audiences) {
        tokens.put(token, new Token(user, Set.of(audiences)));
        return this;
    }

    FakeApiServer grant(String user, Permission p) {
        grants.computeIfAbsent(user, u -> new HashSet<>()).add(p);
        return this;
    }

    @Override
    public Authentication review(String token, List<String> audiences) throws ReviewUnavailable {
        calls.add("TokenReview");
        if (down) {
            throw new ReviewUnavailable("connection refused", null);
        }
        Token t = tokens.get(token);
        // the API server's default audience when none is asked: "api"
        List<String> asked = audiences.isEmpty() ? List.of("api") : audiences;
        if (t == null) {
            return Authentication.rejected("invalid bearer token");
        }
        List<String> valid = asked.stream().filter(t.audiences()::contains).toList();
        if (valid.isEmpty()) {
            return Authentication.rejected(
                    "token audiences " + t.audiences() + " is invalid for the target audiences " + asked);
        }
        return Authentication.authenticated(t.user(), audiences.isEmpty() ? List.of() : valid);
    }

    @Override
    public Authorization review(UserInfo user, Permission permission) throws ReviewUnavailable {
        calls.add("SubjectAccessReview");
        if (down) {
            throw new ReviewUnavailable("connection refused", null);
        }
        Set<Permission> held = grants.getOrDefault(user.username(), Set.of());
        boolean allowed = held.contains(permission)
                || (permission.isResource()
                        && !permission.clusterWide()
                        && held.contains(Permission.resource(
                                permission.verb(),
                                permission.group(),
                                permission.resource(),
                                permission.subresource(),
                                "")));
        return allowed ? Authorization.allow("RBAC: allowed by ClusterRoleBinding") : Authorization.deny("");
    }
}
