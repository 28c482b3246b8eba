package dev.trimtab.auth.core;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who sent a request, as the API server's TokenReview ({@code authentication.k8s.io/v1}
 * {@code status.user}) tells it. The same fields go into each SubjectAccessReview's spec, so the
 * API server's authorizers see the user exactly as its own authenticators would.
 */
public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
    public UserInfo {
        username = username == null ? "" : username;
        uid = uid == null ? "" : uid;
        groups = groups == null ? List.of() : List.copyOf(groups);
        Map<String, List<String>> copy = new TreeMap<>();
        if (extra != null) {
            extra.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        extra = Collections.unmodifiableMap(copy);
    }

    public static UserInfo of(String username, String... groups) {
        return new UserInfo(username, "", List.of(groups), Map.of());
    }

    /** {@code "alice" (groups dev, system:authenticated)}: how a denial names the user. */
    public String describe() {
        return '"' + username + '"' + (groups.isEmpty() ? "" : " (groups " + String.join(", ", groups) + ")");
    }
}
