package dev.trimtab.network.core.intent;

import java.util.List;
import java.util.Map;

/**
 * A {@code NetworkIntent} ({@code trimtab.dev/v1alpha1}, cluster-scoped): what a security team
 * wants to hold of pod-to-pod traffic, as rules checked by {@link IntentChecker}. In
 * {@link Mode#Audit} violations are only reported; in {@link Mode#Enforce} {@link IntentEnforcer}
 * also plans the NetworkPolicies that make the rules hold. Format: package documentation and
 * {@code docs/network-intents.md}.
 */
public record NetworkIntent(String name, Mode mode, List<IntentRule> rules) {
    public static final String GROUP = "trimtab.dev";
    public static final String API_VERSION = GROUP + "/v1alpha1";
    public static final String KIND = "NetworkIntent";

    public enum Mode {
        Audit,
        Enforce
    }

    public NetworkIntent {
        rules = List.copyOf(rules);
    }

    /** The intents read and, for each one left out, its problems ({@code NetworkIntent x: spec.rules[1]...}). */
    public record Parsed(List<NetworkIntent> intents, List<String> errors) {
        public Parsed {
            intents = List.copyOf(intents);
            errors = List.copyOf(errors);
        }
    }

    /** Reads every NetworkIntent among {@code objects}; objects of other kinds are ignored. */
    public static Parsed fromObjects(List<Map<String, Object>> objects) {
        return NetworkIntentParser.parse(objects);
    }
}
