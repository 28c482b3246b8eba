package dev.trimtab.auth.core;

import java.util.List;

/**
 * What a request needs: its surface and the permissions a SubjectAccessReview must allow (all of
 * them), with the ClusterRole that grants them named for the denial message ({@code role} empty
 * when no role fits).
 */
public record Route(Surface surface, List<Permission> permissions, String role) {
    public Route {
        permissions = List.copyOf(permissions);
        role = role == null ? "" : role;
    }

    static Route of(Surface surface) {
        return new Route(surface, List.of(), "");
    }
}
