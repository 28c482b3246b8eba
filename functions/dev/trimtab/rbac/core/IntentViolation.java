package dev.trimtab.rbac.core;

/**
 * One way the RBAC objects break rule {@code intentRule} (0-based index in {@code spec.rules}) of
 * intent {@code intent}. {@code subject} is the binding subject at fault (null when the fault is a
 * role's, as a wildcard Role is); {@code binding} the binding that grants (null for a Role's own
 * rule); {@code role} and {@code ruleIndex}/{@code rule} what grants (for {@code onlySubjects} the
 * whole role: {@code ruleIndex} -1 and {@code rule} null). {@code ruleField} names the kind of
 * intent rule ({@code forbidAccess}…); {@code code} the escalation finding behind a
 * {@code forbidFindings} violation (else null).
 */
public record IntentViolation(
        String intent,
        RbacIntent.Mode mode,
        int intentRule,
        String ruleField,
        Subject subject,
        ObjectRef binding,
        ObjectRef role,
        int ruleIndex,
        PolicyRule rule,
        FindingCode code,
        String message) {
    /**
     * What makes two violations the same one, messages and rule positions aside: admission denies
     * only a change that brings a violation whose key was not there before.
     */
    public record Key(
            String intent,
            int intentRule,
            Subject subject,
            ObjectRef binding,
            ObjectRef role,
            PolicyRule rule,
            FindingCode code) {}

    public Key key() {
        return new Key(intent, intentRule, subject, binding, role, rule, code);
    }

    /** {@code RbacIntent admins spec.rules[0] (onlySubjects)}: where messages point. */
    public String where() {
        return RbacIntent.KIND + " " + intent + " spec.rules[" + intentRule + "] (" + ruleField + ")";
    }
}
