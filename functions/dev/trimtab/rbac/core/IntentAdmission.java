package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Would creating or updating one object break an Enforce intent? The proposed object (a Role,
 * ClusterRole, RoleBinding, ClusterRoleBinding, or a Namespace, whose labels select namespaces)
 * replaces the object of the same kind, namespace and name in the model, or joins it; CREATE and
 * UPDATE are judged alike. The change is denied when the model with it has a violation of an
 * Enforce intent whose {@link IntentViolation#key key} the model without it did not have:
 * violations already there are audit's business, and do not block unrelated changes (nor changes
 * to the violating object that do not add a violation). Audit intents never deny.
 */
public final class IntentAdmission {
    /**
     * {@code allowed} unless {@code violations} (those the change brings) is non-empty;
     * {@code message} is the denial reason. {@code problems}: why the object could not be judged
     * (the API server's validation rejects such an object; it is allowed here).
     */
    public record Verdict(boolean allowed, List<IntentViolation> violations, String message, List<String> problems) {
        public Verdict {
            violations = List.copyOf(violations);
            problems = List.copyOf(problems);
        }
    }

    private IntentAdmission() {}

    public static Verdict review(
            RbacModel model, NamespaceLabels namespaces, List<RbacIntent> intents, Map<String, Object> proposed) {
        List<RbacIntent> enforced = intents.stream()
                .filter(i -> i.mode() == RbacIntent.Mode.Enforce)
                .toList();
        RbacModel parsed = RbacModel.fromObjects(List.of(proposed));
        if (!parsed.errors().isEmpty()) {
            return new Verdict(true, List.of(), "", parsed.errors());
        }
        boolean rbac = !parsed.roles().isEmpty() || !parsed.bindings().isEmpty();
        boolean namespace = "v1".equals(proposed.get("apiVersion")) && "Namespace".equals(proposed.get("kind"));
        if (enforced.isEmpty() || !rbac && !namespace) {
            return new Verdict(true, List.of(), "", List.of());
        }
        RbacModel after = !rbac
                ? model
                : RbacModel.of(
                        replace(model.roles(), parsed.roles(), Role::ref),
                        replace(model.bindings(), parsed.bindings(), Binding::ref));
        NamespaceLabels labelsAfter = namespaces.with(proposed);
        Set<IntentViolation.Key> before = IntentChecker.check(model, namespaces, enforced).stream()
                .map(IntentViolation::key)
                .collect(Collectors.toSet());
        List<IntentViolation> added = IntentChecker.check(after, labelsAfter, enforced).stream()
                .filter(v -> !before.contains(v.key()))
                .toList();
        String message = added.stream().map(IntentViolation::message).collect(Collectors.joining("; "));
        return new Verdict(added.isEmpty(), added, message, List.of());
    }

    /** {@code current} with each of {@code proposed} replacing the one with its reference in place, or appended. */
    private static <T> List<T> replace(Collection<T> current, Collection<T> proposed, Function<T, ObjectRef> ref) {
        Map<ObjectRef, T> out = new LinkedHashMap<>();
        current.forEach(t -> out.put(ref.apply(t), t));
        proposed.forEach(t -> out.put(ref.apply(t), t));
        return new ArrayList<>(out.values());
    }
}
