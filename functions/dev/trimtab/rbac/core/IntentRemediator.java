package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans the fixes for intent violations, only ever taking access away. A violation with a subject
 * and a binding is fixed by removing that subject from the binding: every subjects entry that
 * denotes it (a subject listed twice would otherwise keep its access), all offending subjects of
 * one binding in one patch. When that leaves a binding labelled
 * {@code app.kubernetes.io/managed-by: trimtab} with no subjects, the binding is deleted instead;
 * a binding someone else manages is left empty, to them. A violation without a subject (a wildcard
 * rule of a role) is reported only: narrowing a role is a human decision, and Trimtab never rewrites
 * roles. Removing subjects and deleting bindings cannot widen anything: RBAC has no deny, so every
 * permission left was already there.
 */
public final class IntentRemediator {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String TRIMTAB = "trimtab";

    private IntentRemediator() {}

    /**
     * @param objects the objects the model was built from: the bindings as written, so that each
     *     {@code test} compares the entry the API server holds
     */
    public static RemediationPlan plan(List<IntentViolation> violations, List<Map<String, Object>> objects) {
        Map<ObjectRef, Map<String, Object>> bindings = bindings(objects);
        Map<ObjectRef, Set<Subject>> offending = new LinkedHashMap<>();
        for (IntentViolation v : violations) {
            if (v.subject() != null && v.binding() != null) {
                offending
                        .computeIfAbsent(v.binding(), k -> new LinkedHashSet<>())
                        .add(v.subject());
            }
        }
        Map<ObjectRef, IntentFix> byBinding = new LinkedHashMap<>();
        offending.forEach((ref, subjects) -> byBinding.put(ref, fix(ref, subjects, bindings.get(ref))));
        List<IntentFix> fixes = new ArrayList<>();
        Map<IntentViolation, IntentFix> byViolation = new LinkedHashMap<>();
        for (IntentViolation v : violations) {
            IntentFix f = v.subject() != null && v.binding() != null ? byBinding.get(v.binding()) : reportOnly(v);
            if (!fixes.contains(f)) {
                fixes.add(f);
            }
            byViolation.put(v, f);
        }
        return new RemediationPlan(fixes, byViolation);
    }

    private static IntentFix fix(ObjectRef ref, Set<Subject> subjects, Map<String, Object> binding) {
        List<Subject> who = List.copyOf(subjects);
        if (binding == null) {
            return new IntentFix(
                    IntentFix.Action.None,
                    ref,
                    who,
                    List.of(),
                    ref + " is not among the objects read: nothing to patch");
        }
        List<?> entries = binding.get("subjects") instanceof List<?> l ? l : List.of();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Subject s = RbacParser.subject(entries.get(i), "subjects[" + i + "]", ref.namespace(), new ArrayList<>());
            if (s != null && subjects.contains(s)) {
                indices.add(i);
            }
        }
        if (indices.isEmpty()) {
            return new IntentFix(
                    IntentFix.Action.None,
                    ref,
                    who,
                    List.of(),
                    ref + " as read lists none of " + who + ": nothing to patch");
        }
        boolean empty = indices.size() == entries.size();
        String entriesText = String.join(
                ", ", indices.stream().map(i -> "subjects[" + i + "]").toList());
        if (empty && managedByTrimtab(binding)) {
            return new IntentFix(
                    IntentFix.Action.DeleteBinding,
                    ref,
                    who,
                    List.of(),
                    "delete " + ref + ": managed by Trimtab and left with no subjects once " + entriesText
                            + " are removed");
        }
        List<Map<String, Object>> patch = new ArrayList<>();
        for (int k = indices.size() - 1; k >= 0; k--) {
            int i = indices.get(k);
            patch.add(op("test", i, entries.get(i)));
            patch.add(op("remove", i, null));
        }
        return new IntentFix(
                IntentFix.Action.RemoveSubject,
                ref,
                who,
                patch,
                "remove " + entriesText
                        + " ("
                        + String.join(", ", who.stream().map(Subject::toString).toList()) + ") from " + ref
                        + (empty ? "; it is left with no subjects and, not managed by Trimtab, is not deleted" : ""));
    }

    private static IntentFix reportOnly(IntentViolation v) {
        String what = v.binding() != null
                ? "narrowing " + v.role() + " or binding a narrower role in " + v.binding()
                : "narrowing " + v.role();
        return new IntentFix(
                IntentFix.Action.None,
                v.binding() != null ? v.binding() : v.role(),
                List.of(),
                List.of(),
                "reported only: " + what + " is a human decision; Trimtab never rewrites roles");
    }

    private static Map<String, Object> op(String op, int index, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", "/subjects/" + index);
        if (value != null) {
            m.put("value", value);
        }
        return m;
    }

    private static boolean managedByTrimtab(Map<String, Object> binding) {
        return binding.get("metadata") instanceof Map<?, ?> meta
                && meta.get("labels") instanceof Map<?, ?> labels
                && TRIMTAB.equals(labels.get(MANAGED_BY));
    }

    /** RoleBindings and ClusterRoleBindings by reference; the last definition wins, as in the model. */
    private static Map<ObjectRef, Map<String, Object>> bindings(List<Map<String, Object>> objects) {
        Map<ObjectRef, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> o : objects) {
            if (!(o.get("apiVersion") instanceof String v)
                    || !v.startsWith(RbacParser.GROUP + "/")
                    || !(o.get("kind") instanceof String kind)
                    || !(o.get("metadata") instanceof Map<?, ?> meta)
                    || !(meta.get("name") instanceof String name)) {
                continue;
            }
            if (kind.equals(ObjectRef.CLUSTER_ROLE_BINDING)) {
                out.put(new ObjectRef(kind, null, name), o);
            } else if (kind.equals(ObjectRef.ROLE_BINDING)) {
                String ns = meta.get("namespace") instanceof String s && !s.isEmpty() ? s : "default";
                out.put(new ObjectRef(kind, ns, name), o);
            }
        }
        return out;
    }
}
