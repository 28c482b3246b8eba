package dev.trimtab.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.intent.IntentChecker;
import dev.trimtab.network.core.intent.IntentEnforcer;
import dev.trimtab.network.core.intent.IntentPlan;
import dev.trimtab.network.core.intent.IntentViolation;
import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.network.core.intent.PolicyChange;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code network intents}: one JSON object a line. First one per violation
 * ({@code {"intent","mode","rule","kind","code","from","to","port","protocol","direction",
 * "allowedBy":[{"policy","direction","rule"}],"blockedBy":[...],"message"}}); with {@code --plan}
 * then one per change ({@code {"action":"create|update|delete","policy":{...}}}), one per conflict
 * ({@code {"conflict":"..."}}), one per unresolvable violation
 * ({@code {"unresolvable":"message","policies":[...]}}) and last {@code {"holds":true|false}}.
 * Intents that cannot be read are named on stderr and left out.
 */
public final class IntentsAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IntentsAnswers() {}

    /** Prints the violations (and the plan); returns how many violations and unreadable intents there were. */
    static int print(
            List<Map<String, Object>> objects, NetworkModel model, boolean plan, PrintStream out, PrintStream err)
            throws JsonProcessingException {
        NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(objects);
        parsed.errors().forEach(e -> err.println("network: " + e));
        List<IntentViolation> violations = IntentChecker.check(model, parsed.intents());
        for (IntentViolation v : violations) {
            out.println(JSON.writeValueAsString(violation(v)));
        }
        int problems = violations.size() + parsed.errors().size();
        if (!plan) {
            return problems;
        }
        IntentPlan p = IntentEnforcer.plan(objects, parsed.intents());
        for (PolicyChange c : p.changes()) {
            out.println(JSON.writeValueAsString(change(c)));
        }
        for (String c : p.conflicts()) {
            out.println(JSON.writeValueAsString(Map.of("conflict", c)));
        }
        for (IntentPlan.Unresolvable u : p.unresolvable()) {
            out.println(JSON.writeValueAsString(unresolvable(u)));
        }
        out.println(JSON.writeValueAsString(Map.of("holds", p.holds())));
        return problems;
    }

    /**
     * A plan as one object: {@code {"changes":[{"action","policy"}],"conflicts":[...],
     * "unresolvable":[{"unresolvable","policies"}],"holds"}}, the same pieces the command prints a line each.
     */
    public static Map<String, Object> plan(IntentPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changes", p.changes().stream().map(IntentsAnswers::change).toList());
        m.put("conflicts", p.conflicts());
        m.put(
                "unresolvable",
                p.unresolvable().stream().map(IntentsAnswers::unresolvable).toList());
        m.put("holds", p.holds());
        return m;
    }

    private static Map<String, Object> change(PolicyChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", c.action().name());
        m.put("policy", c.policy());
        return m;
    }

    private static Map<String, Object> unresolvable(IntentPlan.Unresolvable u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unresolvable", u.message());
        m.put("policies", u.policies());
        return m;
    }

    public static Map<String, Object> violation(IntentViolation v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intent", v.intent());
        m.put("mode", v.mode().name());
        m.put("rule", v.ruleIndex());
        m.put("kind", v.ruleKind());
        m.put("code", v.code().name());
        m.put("from", v.from());
        m.put("to", v.to());
        m.put("port", v.port() == null ? null : v.port().number());
        m.put("protocol", v.port() == null ? null : v.port().protocol().name());
        m.put("direction", v.direction() == null ? null : v.direction().name());
        m.put(
                "allowedBy",
                v.allowedBy().stream()
                        .map(r -> {
                            Map<String, Object> rule = new LinkedHashMap<>();
                            rule.put("policy", r.policy());
                            rule.put("direction", r.direction().name());
                            rule.put("rule", r.index());
                            return rule;
                        })
                        .toList());
        m.put("blockedBy", v.blockedBy());
        m.put("message", v.message());
        return m;
    }
}
