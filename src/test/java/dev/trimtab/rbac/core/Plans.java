package dev.trimtab.rbac.core;

import dev.trimtab.policy.core.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Applies a {@link RemediationPlan} to objects as the API server would, and names violations for tests. */
final class Plans {
    private Plans() {}

    /** The objects after every fix: patches through RFC 6902, deletions; a patch that does not apply fails the test. */
    static List<Map<String, Object>> apply(List<Map<String, Object>> objects, RemediationPlan plan) {
        List<Map<String, Object>> out = new ArrayList<>(objects);
        for (IntentFix f : plan.fixes()) {
            if (f.action() == IntentFix.Action.None) {
                continue;
            }
            int i = indexOf(out, f.target());
            if (f.action() == IntentFix.Action.DeleteBinding) {
                out.remove(i);
                continue;
            }
            try {
                out.set(i, JsonPatch.apply(out.get(i), f.patch()));
            } catch (JsonPatch.PatchException | JsonPatch.TestFailed e) {
                throw new AssertionError("fix of " + f.target() + " does not apply: " + f.patch(), e);
            }
        }
        return out;
    }

    /** The last object {@code ref} names (the model keeps the last definition). */
    static int indexOf(List<Map<String, Object>> objects, ObjectRef ref) {
        for (int i = objects.size() - 1; i >= 0; i--) {
            Map<String, Object> o = objects.get(i);
            Map<?, ?> meta = (Map<?, ?>) o.get("metadata");
            Object ns = meta.get("namespace") == null && !ref.isClusterScoped() ? "default" : meta.get("namespace");
            if (ref.kind().equals(o.get("kind"))
                    && ref.name().equals(meta.get("name"))
                    && Objects.equals(ref.namespace(), ns)) {
                return i;
            }
        }
        throw new AssertionError(ref + " not among the objects");
    }

    /** {@code intent[rule] subject | binding | role[ rules[i]]}, "-" for what is absent. */
    static String key(IntentViolation v) {
        return v.intent() + "[" + v.intentRule() + "] " + (v.subject() == null ? "-" : v.subject()) + " | "
                + (v.binding() == null ? "-" : v.binding()) + " | " + v.role()
                + (v.ruleIndex() < 0 ? "" : " rules[" + v.ruleIndex() + "]");
    }

    /** {@code removeSubject RoleBinding a/b}. */
    static String key(IntentFix f) {
        return f.action().wireName() + " " + f.target();
    }
}
