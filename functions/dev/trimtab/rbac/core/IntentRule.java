package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Set;

/**
 * One rule of an {@link RbacIntent}, one of four kinds; {@link #field()} is the key it is written
 * under in {@code spec.rules[]}. {@code description} (may be null) is the author's own words,
 * repeated in every violation message.
 */
public sealed interface IntentRule {
    String description();

    /** {@code onlySubjects}, {@code forbidAccess}, {@code forbidWildcards} or {@code forbidFindings}. */
    String field();

    /**
     * Only subjects {@link SubjectSelector#covers covered} by one of {@code allowed} may be bound to
     * {@code role}, by any binding in any namespace (a RoleBinding to a ClusterRole counts).
     * {@code allowed} empty: nobody may be bound to it.
     */
    record OnlySubjects(String description, ObjectRef role, List<SubjectSelector> allowed) implements IntentRule {
        public OnlySubjects {
            allowed = List.copyOf(allowed);
        }

        @Override
        public String field() {
            return "onlySubjects";
        }
    }

    /** Where a {@link ForbidAccess} rule looks for the access. */
    enum AccessScope {
        /** Granted cluster-wide: by a ClusterRoleBinding (for a namespaced resource, across all namespaces). */
        Cluster,
        /** Granted anywhere: by a ClusterRoleBinding or by a RoleBinding in any namespace. */
        AnyNamespace,
        /** Granted in a selected namespace: by a ClusterRoleBinding, or by a RoleBinding there. */
        Namespaces
    }

    /**
     * No subject that {@link SubjectSelector#mayInclude may include} an identity of
     * {@code subjects} may be granted any of {@code verbs} on {@code resource} (API group
     * {@code group}, optional {@code subresource}), or on {@code nonResourceURL} when that is set,
     * in {@code scope}. For {@link AccessScope#Namespaces} the namespaces are {@code namespaces}
     * or those {@code namespaceSelector} selects (one of them is set). A rule grants the access
     * when its verbs, group and resource match as the authorizer matches them, whatever its
     * resourceNames (a grant limited to names still counts; the message names them).
     */
    record ForbidAccess(
            String description,
            SubjectSelector subjects,
            List<String> verbs,
            String group,
            String resource,
            String subresource,
            String nonResourceURL,
            AccessScope scope,
            Set<String> namespaces,
            LabelSelector namespaceSelector)
            implements IntentRule {
        public ForbidAccess {
            verbs = List.copyOf(verbs);
            namespaces = Set.copyOf(namespaces);
        }

        @Override
        public String field() {
            return "forbidAccess";
        }

        /** {@code secrets}, {@code deployments/scale.apps}, {@code /metrics}. */
        public String target() {
            return nonResourceURL != null
                    ? nonResourceURL
                    : (subresource.isEmpty() ? resource : resource + "/" + subresource)
                            + (group.isEmpty() ? "" : "." + group);
        }
    }

    /**
     * No Role in a namespace {@code namespaceSelector} selects has a rule with {@code *} in one of
     * {@code in} ({@code verbs}, {@code resources}, {@code apiGroups}), and no RoleBinding there
     * binds a ClusterRole that has one (its effective rules, aggregation included).
     */
    record ForbidWildcards(String description, LabelSelector namespaceSelector, List<String> in) implements IntentRule {
        public static final List<String> FIELDS = List.of("verbs", "resources", "apiGroups");

        public ForbidWildcards {
            in = List.copyOf(in);
        }

        @Override
        public String field() {
            return "forbidWildcards";
        }
    }

    /**
     * No subject may be named by an {@link EscalationFinder} finding of one of {@code codes},
     * unless one of {@code exceptSubjects} {@link SubjectSelector#covers covers} it.
     */
    record ForbidFindings(String description, Set<FindingCode> codes, List<SubjectSelector> exceptSubjects)
            implements IntentRule {
        public ForbidFindings {
            codes = Set.copyOf(codes);
            exceptSubjects = List.copyOf(exceptSubjects);
        }

        @Override
        public String field() {
            return "forbidFindings";
        }
    }
}
