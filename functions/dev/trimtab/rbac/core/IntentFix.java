package dev.trimtab.rbac.core;

import java.util.List;
import java.util.Map;

/**
 * The change that ends one or more violations, never widening anyone's access:
 * <ul>
 * <li>{@link Action#RemoveSubject}: {@code patch} is an RFC 6902 JSON Patch on binding
 * {@code target}, for each subjects entry to drop (highest index first, so each index is still
 * right when applied) a {@code test} of the entry as written, then its {@code remove}; a changed
 * binding fails a test and the patch applies not at all;</li>
 * <li>{@link Action#DeleteBinding}: delete binding {@code target} (owned by Trimtab and left with no
 * subjects); {@code patch} is empty;</li>
 * <li>{@link Action#None}: reported only ({@code message} says why: a role is never rewritten,
 * or the binding was not among the objects read); {@code patch} is empty.</li>
 * </ul>
 * {@code subjects} are those the fix takes away (each may stand for several entries).
 */
public record IntentFix(
        Action action, ObjectRef target, List<Subject> subjects, List<Map<String, Object>> patch, String message) {
    public enum Action {
        RemoveSubject,
        DeleteBinding,
        None;

        /** {@code removeSubject}, {@code deleteBinding}, {@code none}: the stable wire form. */
        public String wireName() {
            String n = name();
            return Character.toLowerCase(n.charAt(0)) + n.substring(1);
        }
    }

    public IntentFix {
        subjects = List.copyOf(subjects);
        patch = List.copyOf(patch);
    }
}
