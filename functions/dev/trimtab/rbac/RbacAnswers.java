package dev.trimtab.rbac;

import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Answer;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.Grant;
import dev.trimtab.rbac.core.IntentChecker;
import dev.trimtab.rbac.core.IntentFix;
import dev.trimtab.rbac.core.IntentRemediator;
import dev.trimtab.rbac.core.IntentViolation;
import dev.trimtab.rbac.core.NamespaceLabels;
import dev.trimtab.rbac.core.ObjectRef;
import dev.trimtab.rbac.core.PolicyRule;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.RemediationPlan;
import dev.trimtab.rbac.core.Subject;
import dev.trimtab.rbac.core.SubjectGrants;
import dev.trimtab.rbac.core.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RBAC answers as JSON-shaped maps, the same for the {@code rbac} command and the HTTP
 * endpoints: can-i ({@code allowed} and the granting rules), who-can ({@code subjects[]} each
 * {@code {kind, name, namespace}} with its bindings, and the rules), escalation findings, and
 * intent violations with their fixes.
 */
public final class RbacAnswers {
    private RbacAnswers() {}

    public static Map<String, Object> canI(Authorizer authorizer, UserInfo user, AccessRequest r) {
        Answer answer = authorizer.canI(user, r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed", answer.allowed());
        request(m, r);
        m.put("user", user.name());
        m.put("groups", user.groups());
        m.put("rules", answer.grants().stream().map(RbacAnswers::grant).toList());
        return m;
    }

    public static Map<String, Object> whoCan(Authorizer authorizer, AccessRequest r) {
        List<SubjectGrants> found = authorizer.whoCan(r);
        Map<String, Object> m = new LinkedHashMap<>();
        request(m, r);
        List<Object> subjects = new ArrayList<>();
        List<Object> rules = new ArrayList<>();
        for (SubjectGrants sg : found) {
            Map<String, Object> s = subject(sg.subject());
            s.put(
                    "bindings",
                    sg.grants().stream()
                            .map(Grant::binding)
                            .distinct()
                            .map(RbacAnswers::ref)
                            .toList());
            subjects.add(s);
            sg.grants().forEach(g -> rules.add(grant(g)));
        }
        m.put("subjects", subjects);
        m.put("rules", rules);
        return m;
    }

    private static void request(Map<String, Object> m, AccessRequest r) {
        m.put("verb", r.verb());
        if (r.isNonResource()) {
            m.put("nonResourceURL", r.path());
        } else {
            m.put("resource", r.apiGroup().isEmpty() ? r.resource() : r.resource() + "." + r.apiGroup());
            m.put("subresource", r.subresource().isEmpty() ? null : r.subresource());
            m.put("name", r.name().isEmpty() ? null : r.name());
            m.put("namespace", r.namespace().isEmpty() ? null : r.namespace());
        }
    }

    public static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", f.code().name());
        m.put("subjects", f.subjects().stream().map(RbacAnswers::subject).toList());
        m.put("binding", ref(f.binding()));
        m.put("role", ref(f.role()));
        m.put("ruleIndex", f.ruleIndex() < 0 ? null : f.ruleIndex());
        m.put("rule", f.rule() == null ? null : rule(f.rule()));
        m.put("namespace", f.scope().isEmpty() ? null : f.scope());
        m.put("message", f.message());
        return m;
    }

    /** Every violation of {@code intents} by the RBAC {@code objects} (whose model is {@code model}), with its fix. */
    public static List<Map<String, Object>> violations(
            RbacModel model, List<Map<String, Object>> objects, List<RbacIntent> intents) {
        List<IntentViolation> violations = IntentChecker.check(model, NamespaceLabels.fromObjects(objects), intents);
        RemediationPlan plan = IntentRemediator.plan(violations, objects);
        return violations.stream().map(v -> violation(v, plan.fixFor(v))).toList();
    }

    /**
     * An intent violation with its fix: {@code intent}, {@code mode}, {@code intentRule} (index in
     * {@code spec.rules}) and {@code kind} (the rule's kind); {@code subject}, {@code binding},
     * {@code role}, {@code ruleIndex}, {@code rule} (null where absent); {@code code} (the finding
     * behind a forbidFindings violation); {@code message}; {@code fix} as
     * {@code {action: removeSubject|deleteBinding|none, target, subjects, patch, message}}.
     */
    public static Map<String, Object> violation(IntentViolation v, IntentFix fix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intent", v.intent());
        m.put("mode", v.mode().name());
        m.put("intentRule", v.intentRule());
        m.put("kind", v.ruleField());
        m.put("subject", v.subject() == null ? null : subject(v.subject()));
        m.put("binding", v.binding() == null ? null : ref(v.binding()));
        m.put("role", ref(v.role()));
        m.put("ruleIndex", v.ruleIndex() < 0 ? null : v.ruleIndex());
        m.put("rule", v.rule() == null ? null : rule(v.rule()));
        m.put("code", v.code() == null ? null : v.code().name());
        m.put("message", v.message());
        if (fix == null) {
            m.put("fix", null); // a resolved violation has nothing left to fix
            return m;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("action", fix.action().wireName());
        f.put("target", ref(fix.target()));
        f.put("subjects", fix.subjects().stream().map(RbacAnswers::subject).toList());
        f.put("patch", fix.patch());
        f.put("message", fix.message());
        m.put("fix", f);
        return m;
    }

    private static Map<String, Object> grant(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binding", ref(g.binding()));
        m.put("role", ref(g.role()));
        m.put("ruleIndex", g.ruleIndex());
        m.put("rule", rule(g.rule()));
        m.put("subject", subject(g.subject()));
        return m;
    }

    private static Map<String, Object> ref(ObjectRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind());
        m.put("namespace", r.namespace());
        m.put("name", r.name());
        return m;
    }

    private static Map<String, Object> subject(Subject s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.kind().name());
        m.put("name", s.name());
        m.put("namespace", s.namespace());
        return m;
    }

    static Map<String, Object> rule(PolicyRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verbs", r.verbs());
        m.put("apiGroups", r.apiGroups());
        m.put("resources", r.resources());
        m.put("resourceNames", r.resourceNames());
        m.put("nonResourceURLs", r.nonResourceURLs());
        return m;
    }
}
