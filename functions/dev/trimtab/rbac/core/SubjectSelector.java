package dev.trimtab.rbac.core;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of identities an intent names: by {@code kind} (null: any kind), {@code name} (null: any
 * name) and, for service accounts, the namespaces they live in ({@code namespaces}: only these;
 * {@code exceptNamespaces}: all but these; both empty: any). A binding subject is compared with a
 * selector in one of two ways, because a group stands for many identities:
 * <ul>
 * <li>{@link #mayInclude}: the subject may denote some identity of the selection (forbidding:
 * Group {@code system:serviceaccounts} includes every service account, so it is caught by
 * {@code {kind: ServiceAccount, exceptNamespaces: [kube-system]}});</li>
 * <li>{@link #covers}: every identity the subject denotes is in the selection (allowing: that
 * group is not covered by {@code {kind: ServiceAccount, namespaces: [kube-system]}}).</li>
 * </ul>
 * Service accounts are also reached as User {@code system:serviceaccount:<ns>:<name>} and through
 * the groups {@code system:serviceaccounts}, {@code system:serviceaccounts:<ns>} and
 * {@code system:authenticated}.
 */
public record SubjectSelector(Subject.Kind kind, String name, Set<String> namespaces, Set<String> exceptNamespaces) {
    public SubjectSelector {
        namespaces = Set.copyOf(namespaces);
        exceptNamespaces = Set.copyOf(exceptNamespaces);
    }

    /** Exactly one subject: {@code kind} and {@code name} (and the namespace of a service account). */
    public static SubjectSelector of(Subject s) {
        return new SubjectSelector(
                s.kind(), s.name(), s.namespace() == null ? Set.of() : Set.of(s.namespace()), Set.of());
    }

    /** Whether {@code subject} may denote an identity of this selection. */
    public boolean mayInclude(Subject subject) {
        Subject sa = asServiceAccount(subject);
        if (sa != null && kind != Subject.Kind.User) {
            return (kind == Subject.Kind.ServiceAccount || kind == null)
                    && nameMatches(sa.name())
                    && namespaceAllowed(sa.namespace());
        }
        if (subject.kind() == Subject.Kind.Group && kind == Subject.Kind.ServiceAccount) {
            String ns = serviceAccountGroupNamespace(subject.name());
            if (ns == null) {
                return false;
            }
            // a group of service accounts holds accounts of every name; "" stands for every namespace
            return ns.isEmpty() ? anyNamespaceAllowed() : namespaceAllowed(ns);
        }
        return sameKind(subject) && nameMatches(subject.name());
    }

    /** Whether every identity {@code subject} denotes is in this selection. */
    public boolean covers(Subject subject) {
        Subject sa = asServiceAccount(subject);
        if (sa != null && kind != Subject.Kind.User) {
            return (kind == Subject.Kind.ServiceAccount || kind == null)
                    && nameMatches(sa.name())
                    && namespaceAllowed(sa.namespace());
        }
        if (subject.kind() == Subject.Kind.Group && kind == Subject.Kind.ServiceAccount) {
            String ns = serviceAccountGroupNamespace(subject.name());
            if (ns == null || name != null || subject.name().equals(UserInfo.AUTHENTICATED)) {
                return false; // users are authenticated too; accounts of every name are in the group
            }
            return ns.isEmpty() ? namespaces.isEmpty() && exceptNamespaces.isEmpty() : namespaceAllowed(ns);
        }
        return sameKind(subject) && nameMatches(subject.name());
    }

    private boolean sameKind(Subject subject) {
        return kind == null || kind == subject.kind();
    }

    private boolean nameMatches(String n) {
        return name == null || name.equals(n);
    }

    private boolean namespaceAllowed(String ns) {
        return (namespaces.isEmpty() || namespaces.contains(ns)) && !exceptNamespaces.contains(ns);
    }

    /** Some namespace is allowed: always when only some are excepted, since namespaces are unbounded. */
    private boolean anyNamespaceAllowed() {
        return namespaces.isEmpty() || namespaces.stream().anyMatch(this::namespaceAllowed);
    }

    /** A ServiceAccount subject, or the User a service account authenticates as; else null. */
    private static Subject asServiceAccount(Subject s) {
        return switch (s.kind()) {
            case ServiceAccount -> s;
            case User -> UserInfo.serviceAccountOf(s.name()).orElse(null);
            case Group -> null;
        };
    }

    /**
     * For a group every service account of a namespace is in, that namespace; {@code ""} for the
     * groups every service account is in; null for other groups.
     */
    private static String serviceAccountGroupNamespace(String group) {
        if (group.equals(UserInfo.ALL_SERVICE_ACCOUNTS) || group.equals(UserInfo.AUTHENTICATED)) {
            return "";
        }
        String prefix = UserInfo.ALL_SERVICE_ACCOUNTS + ":";
        return group.startsWith(prefix) && group.length() > prefix.length() ? group.substring(prefix.length()) : null;
    }

    /** {@code any ServiceAccount outside [kube-system]}, {@code Group platform-admins}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (name == null) {
            sb.append(kind == null ? "any subject" : "any " + kind.name());
        } else {
            sb.append(kind == null ? "any subject named" : kind.name())
                    .append(' ')
                    .append(name);
        }
        if (!namespaces.isEmpty()) {
            sb.append(" in ").append(List.copyOf(new TreeSet<>(namespaces)));
        }
        if (!exceptNamespaces.isEmpty()) {
            sb.append(" outside ").append(List.copyOf(new TreeSet<>(exceptNamespaces)));
        }
        return sb.toString();
    }
}
