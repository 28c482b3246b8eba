package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identity a request is made as: a user name (null for "no user", used when asking what the
 * members of a group may do) and the groups, exactly as the authorizer receives them. The
 * factories add what the API server's authenticators add.
 */
public record UserInfo(String name, List<String> groups) {
    public static final String AUTHENTICATED = "system:authenticated";
    public static final String UNAUTHENTICATED = "system:unauthenticated";
    public static final String ANONYMOUS = "system:anonymous";
    public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
    public static final String ALL_SERVICE_ACCOUNTS = "system:serviceaccounts";

    public UserInfo {
        groups = List.copyOf(groups);
    }

    /**
     * What impersonating {@code name} with {@code groups} yields, as the API server's impersonation
     * filter builds it (k8s.io/apiserver endpoints/filters/impersonation.go): the given groups; when
     * none is given and {@code name} is {@code system:serviceaccount:<ns>:<sa>}, the service
     * account's groups instead; then {@code system:authenticated}, unless the groups already hold it
     * or {@code system:unauthenticated} ({@code system:anonymous} gets {@code system:unauthenticated}).
     */
    public static UserInfo authenticated(String name, List<String> groups) {
        List<String> all = new ArrayList<>(groups);
        if (groups.isEmpty()) {
            serviceAccountOf(name).ifPresent(sa -> addAll(all, serviceAccountGroups(sa.namespace())));
        }
        if (ANONYMOUS.equals(name)) {
            addAll(all, List.of(UNAUTHENTICATED));
        } else if (!all.contains(AUTHENTICATED) && !all.contains(UNAUTHENTICATED)) {
            all.add(AUTHENTICATED);
        }
        return new UserInfo(name, all);
    }

    /** The identity a ServiceAccount's tokens authenticate as. */
    public static UserInfo serviceAccount(String namespace, String name) {
        return authenticated(serviceAccountUserName(namespace, name), List.of());
    }

    public static String serviceAccountUserName(String namespace, String name) {
        return SERVICE_ACCOUNT_PREFIX + namespace + ":" + name;
    }

    public static List<String> serviceAccountGroups(String namespace) {
        return List.of(ALL_SERVICE_ACCOUNTS, ALL_SERVICE_ACCOUNTS + ":" + namespace);
    }

    /** The service account a user name denotes, if it is {@code system:serviceaccount:<ns>:<name>}. */
    public static Optional<Subject> serviceAccountOf(String userName) {
        if (userName == null || !userName.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return Optional.empty();
        }
        String rest = userName.substring(SERVICE_ACCOUNT_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(Subject.serviceAccount(rest.substring(0, colon), rest.substring(colon + 1)));
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    private static void addAll(List<String> to, List<String> groups) {
        for (String g : groups) {
            if (!to.contains(g)) {
                to.add(g);
            }
        }
    }
}
