package dev.trimtab.rbac.core;

import java.util.List;
import java.util.Map;

/**
 * An {@code RbacIntent} ({@code trimtab.dev/v1alpha1}, cluster-scoped): what a security team wants
 * to hold of the cluster's RBAC, as rules checked by {@link IntentChecker}. In
 * {@link Mode#Audit} violations are reported; in {@link Mode#Enforce} they are also grounds to deny
 * an RBAC change that introduces one ({@link IntentAdmission}). The format is in
 * {@code package-info} and {@code docs/rbac-intents.md}.
 */
public record RbacIntent(String name, Mode mode, List<IntentRule> rules) {
    public static final String GROUP = "trimtab.dev";
    public static final String API_VERSION = GROUP + "/v1alpha1";
    public static final String KIND = "RbacIntent";

    public enum Mode {
        Audit,
        Enforce
    }

    public RbacIntent {
        rules = List.copyOf(rules);
    }

    /** The intents read and, for each one left out, its problems ({@code RbacIntent x: spec.rules[1]...}). */
    public record Parsed(List<RbacIntent> intents, List<String> errors) {
        public Parsed {
            intents = List.copyOf(intents);
            errors = List.copyOf(errors);
        }
    }

    /** Reads every RbacIntent among {@code objects}; objects of other kinds are ignored. */
    public static Parsed fromObjects(List<Map<String, Object>> objects) {
        return RbacIntentParser.parse(objects);
    }
}
