package dev.trimtab.rbac.core;

import java.util.List;

/**
 * A binding's subject. {@code namespace} is set only for ServiceAccounts (null otherwise); a
 * ServiceAccount listed without a namespace in a RoleBinding is stored with the binding's
 * namespace, and in a ClusterRoleBinding it is invalid, as the API server validates it.
 */
public record Subject(Kind kind, String name, String namespace) {
    public enum Kind {
        User,
        Group,
        ServiceAccount
    }

    public static Subject user(String name) {
        return new Subject(Kind.User, name, null);
    }

    public static Subject group(String name) {
        return new Subject(Kind.Group, name, null);
    }

    public static Subject serviceAccount(String namespace, String name) {
        return new Subject(Kind.ServiceAccount, name, namespace);
    }

    /**
     * Whether {@code user} is this subject: same user name, member of the group, or the
     * service account's user name. {@code User "*"} is no wildcard.
     */
    public boolean appliesTo(UserInfo user) {
        return switch (kind) {
            case User -> name.equals(user.name());
            case Group -> user.inGroup(name);
            case ServiceAccount ->
                namespace != null
                        && !namespace.isEmpty()
                        && UserInfo.serviceAccountUserName(namespace, name).equals(user.name());
        };
    }

    /**
     * The identity that holds exactly this subject's permissions: a service account's user (with
     * its groups), a user with {@code system:authenticated}, or for a group a nameless member of
     * that group alone (what every member can do, at least).
     */
    public UserInfo asUser() {
        return switch (kind) {
            case User -> UserInfo.authenticated(name, List.of());
            case Group -> new UserInfo(null, List.of(name));
            case ServiceAccount -> UserInfo.serviceAccount(namespace, name);
        };
    }

    /** {@code User alice}, {@code Group devs}, {@code ServiceAccount ns/name}. */
    @Override
    public String toString() {
        return kind + " " + (kind == Kind.ServiceAccount ? namespace + "/" + name : name);
    }
}
