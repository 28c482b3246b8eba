package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads RbacIntents from map trees. Every problem of an intent is reported, naming the intent and
 * the field path ({@code RbacIntent tenants: spec.rules[1].forbidAccess.verbs: required}); an
 * intent with a problem is left out whole (half an intent could allow what the whole forbids).
 * Unknown fields are errors: a misspelt {@code exceptNamespaces} must not pass silently.
 */
final class RbacIntentParser {
    private static final List<String> RULE_KINDS = List.of("onlySubjects", "forbidAccess", "forbidWildcards",
            "forbidFindings");

    private final List<String> problems = new ArrayList<>();

    private RbacIntentParser() {}

    static RbacIntent.Parsed parse(List<Map<String, Object>> objects) {
        List<RbacIntent> intents = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (!RbacIntent.KIND.equals(o.get("kind")) || !(o.get("apiVersion") instanceof String v)
                    || !v.startsWith("trimtab.dev/")) {
                continue;
            }
            Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
            String name = meta.get("name") instanceof String n && !n.isEmpty() ? n : null;
            RbacIntentParser p = new RbacIntentParser();
            if (!RbacIntent.API_VERSION.equals(v)) {
                p.problems.add("apiVersion: got \"" + v + "\", want \"" + RbacIntent.API_VERSION + "\"");
            }
            if (name == null) {
                p.problems.add("metadata.name: required");
            }
            RbacIntent intent = p.intent(name, o.get("spec"));
            if (p.problems.isEmpty()) {
                intents.add(intent);
            }
            p.problems.forEach(e -> errors.add(RbacIntent.KIND + " " + (name == null ? "?" : name) + ": " + e));
        }
        return new RbacIntent.Parsed(intents, errors);
    }

    private RbacIntent intent(String name, Object rawSpec) {
        Map<?, ?> spec = map(rawSpec, "spec", true);
        if (spec == null) {
            return null;
        }
        known(spec, "spec", "mode", "rules");
        RbacIntent.Mode mode = RbacIntent.Mode.Audit;
        if (spec.get("mode") != null) {
            try {
                mode = RbacIntent.Mode.valueOf(String.valueOf(spec.get("mode")));
            } catch (IllegalArgumentException e) {
                problems.add("spec.mode: got \"" + spec.get("mode") + "\", want Audit or Enforce");
            }
        }
        List<?> raw = list(spec.get("rules"), "spec.rules");
        if (raw.isEmpty() && spec.get("rules") instanceof List<?>) {
            problems.add("spec.rules: must not be empty");
        }
        List<IntentRule> rules = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            IntentRule r = rule(raw.get(i), "spec.rules[" + i + "]");
            if (r != null) {
                rules.add(r);
            }
        }
        return new RbacIntent(name, mode, rules);
    }

    private IntentRule rule(Object raw, String path) {
        Map<?, ?> m = map(raw, path, true);
        if (m == null) {
            return null;
        }
        List<String> allowed = new ArrayList<>(RULE_KINDS);
        allowed.add("description");
        known(m, path, allowed.toArray(String[]::new));
        List<String> kinds = RULE_KINDS.stream().filter(m::containsKey).toList();
        if (kinds.size() != 1) {
            problems.add(path + ": want exactly one of " + String.join(", ", RULE_KINDS)
                    + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            return null;
        }
        String description = optionalString(m.get("description"), path + ".description");
        String kind = kinds.get(0);
        String p = path + "." + kind;
        Map<?, ?> body = map(m.get(kind), p, true);
        if (body == null) {
            return null;
        }
        return switch (kind) {
            case "onlySubjects" -> onlySubjects(description, body, p);
            case "forbidAccess" -> forbidAccess(description, body, p);
            case "forbidWildcards" -> forbidWildcards(description, body, p);
            default -> forbidFindings(description, body, p);
        };
    }

    private IntentRule onlySubjects(String description, Map<?, ?> m, String path) {
        known(m, path, "role", "allowed");
        ObjectRef role = null;
        Map<?, ?> r = map(m.get("role"), path + ".role", true);
        if (r != null) {
            known(r, path + ".role", "kind", "name", "namespace");
            String kind = requiredString(r.get("kind"), path + ".role.kind");
            String name = requiredString(r.get("name"), path + ".role.name");
            String ns = optionalString(r.get("namespace"), path + ".role.namespace");
            if (kind != null && !kind.equals(ObjectRef.ROLE) && !kind.equals(ObjectRef.CLUSTER_ROLE)) {
                problems.add(path + ".role.kind: got \"" + kind + "\", want ClusterRole or Role");
            } else if (ObjectRef.ROLE.equals(kind) && ns == null) {
                problems.add(path + ".role.namespace: required for a Role");
            } else if (ObjectRef.CLUSTER_ROLE.equals(kind) && ns != null) {
                problems.add(path + ".role.namespace: a ClusterRole has no namespace");
            } else if (kind != null && name != null) {
                role = new ObjectRef(kind, ns, name);
            }
        }
        if (!m.containsKey("allowed")) {
            problems.add(path + ".allowed: required (an empty list allows nobody)");
        }
        return new IntentRule.OnlySubjects(description, role, selectors(m.get("allowed"), path + ".allowed"));
    }

    private IntentRule forbidAccess(String description, Map<?, ?> m, String path) {
        known(m, path, "subjects", "verbs", "group", "resource", "subresource", "nonResourceURL", "scope",
                "namespaces", "namespaceSelector");
        SubjectSelector subjects = selector(m.get("subjects"), path + ".subjects");
        List<String> verbs = strings(m.get("verbs"), path + ".verbs");
        if (verbs.isEmpty() && !(m.get("verbs") instanceof List<?> l && !l.isEmpty())) {
            problems.add(path + ".verbs: required");
        }
        String url = optionalString(m.get("nonResourceURL"), path + ".nonResourceURL");
        String resource = optionalString(m.get("resource"), path + ".resource");
        String group = optionalString(m.get("group"), path + ".group");
        String subresource = optionalString(m.get("subresource"), path + ".subresource");
        if (url == null && (resource == null || resource.isEmpty())) {
            problems.add(path + ".resource: required (or nonResourceURL)");
        }
        if (url != null && (resource != null || group != null || subresource != null)) {
            problems.add(path + ".nonResourceURL: not with resource, group or subresource");
        }
        IntentRule.AccessScope scope = url != null ? IntentRule.AccessScope.Cluster : IntentRule.AccessScope.AnyNamespace;
        if (m.get("scope") != null) {
            try {
                scope = IntentRule.AccessScope.valueOf(String.valueOf(m.get("scope")));
            } catch (IllegalArgumentException e) {
                problems.add(path + ".scope: got \"" + m.get("scope") + "\", want Cluster, AnyNamespace or Namespaces");
            }
            if (url != null && scope != IntentRule.AccessScope.Cluster) {
                problems.add(path + ".scope: a non-resource URL is only granted cluster-wide, want Cluster");
            }
        }
        Set<String> namespaces = new LinkedHashSet<>(strings(m.get("namespaces"), path + ".namespaces"));
        LabelSelector selector = labelSelector(m.get("namespaceSelector"), path + ".namespaceSelector");
        boolean some = m.containsKey("namespaces") || m.containsKey("namespaceSelector");
        if (scope == IntentRule.AccessScope.Namespaces) {
            if (m.containsKey("namespaces") == m.containsKey("namespaceSelector")) {
                problems.add(path + ".namespaces: want exactly one of namespaces and namespaceSelector with scope Namespaces");
            } else if (m.containsKey("namespaces") && namespaces.isEmpty()) {
                problems.add(path + ".namespaces: must not be empty");
            }
        } else if (some) {
            problems.add(path + ".scope: namespaces and namespaceSelector need scope Namespaces, got " + scope);
        }
        return new IntentRule.ForbidAccess(description, subjects, verbs, group == null ? "" : group,
                resource == null ? "" : resource, subresource == null ? "" : subresource, url, scope, namespaces,
                selector);
    }

    private IntentRule forbidWildcards(String description, Map<?, ?> m, String path) {
        known(m, path, "namespaceSelector", "in");
        if (!m.containsKey("namespaceSelector")) {
            problems.add(path + ".namespaceSelector: required ({} selects every namespace)");
        }
        LabelSelector selector = labelSelector(m.get("namespaceSelector"), path + ".namespaceSelector");
        List<String> in = m.containsKey("in") ? strings(m.get("in"), path + ".in") : IntentRule.ForbidWildcards.FIELDS;
        for (int i = 0; i < in.size(); i++) {
            if (!IntentRule.ForbidWildcards.FIELDS.contains(in.get(i))) {
                problems.add(path + ".in[" + i + "]: got \"" + in.get(i) + "\", want verbs, resources or apiGroups");
            }
        }
        if (in.isEmpty()) {
            problems.add(path + ".in: must not be empty (leave it out for all three)");
        }
        return new IntentRule.ForbidWildcards(description, selector, in);
    }

    private IntentRule forbidFindings(String description, Map<?, ?> m, String path) {
        known(m, path, "codes", "exceptSubjects");
        List<String> raw = strings(m.get("codes"), path + ".codes");
        Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        for (int i = 0; i < raw.size(); i++) {
            try {
                codes.add(FindingCode.valueOf(raw.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add(path + ".codes[" + i + "]: got \"" + raw.get(i) + "\", want one of "
                        + List.of(FindingCode.values()));
            }
        }
        if (raw.isEmpty()) {
            problems.add(path + ".codes: required");
        }
        return new IntentRule.ForbidFindings(description, codes,
                selectors(m.get("exceptSubjects"), path + ".exceptSubjects"));
    }

    private List<SubjectSelector> selectors(Object raw, String path) {
        List<?> l = list(raw, path);
        List<SubjectSelector> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            SubjectSelector s = selector(l.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private SubjectSelector selector(Object raw, String path) {
        Map<?, ?> m = map(raw, path, true);
        if (m == null) {
            return null;
        }
        known(m, path, "kind", "name", "namespace", "namespaces", "exceptNamespaces");
        Subject.Kind kind = null;
        if (m.get("kind") != null) {
            try {
                kind = Subject.Kind.valueOf(String.valueOf(m.get("kind")));
            } catch (IllegalArgumentException e) {
                problems.add(path + ".kind: got \"" + m.get("kind") + "\", want User, Group or ServiceAccount");
            }
        }
        String name = optionalString(m.get("name"), path + ".name");
        Set<String> namespaces = new LinkedHashSet<>(strings(m.get("namespaces"), path + ".namespaces"));
        String namespace = optionalString(m.get("namespace"), path + ".namespace");
        if (namespace != null) {
            namespaces.add(namespace);
        }
        Set<String> except = new LinkedHashSet<>(strings(m.get("exceptNamespaces"), path + ".exceptNamespaces"));
        boolean nsGiven = m.containsKey("namespace") || m.containsKey("namespaces") || m.containsKey("exceptNamespaces");
        if (nsGiven && kind != Subject.Kind.ServiceAccount) {
            problems.add(path + ".kind: namespace, namespaces and exceptNamespaces need kind ServiceAccount");
        }
        if (m.containsKey("namespace") && m.containsKey("namespaces")) {
            problems.add(path + ".namespace: not with namespaces");
        }
        if ((m.containsKey("namespace") || m.containsKey("namespaces")) && m.containsKey("exceptNamespaces")) {
            problems.add(path + ".exceptNamespaces: not with namespace or namespaces");
        }
        if (m.containsKey("namespaces") && namespaces.isEmpty()) {
            problems.add(path + ".namespaces: must not be empty");
        }
        return new SubjectSelector(kind, name, namespaces, except);
    }

    private LabelSelector labelSelector(Object raw, String path) {
        try {
            return LabelSelector.fromMap(raw, path);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private Map<?, ?> map(Object raw, String path, boolean required) {
        if (raw instanceof Map<?, ?> m) {
            return m;
        }
        if (raw != null) {
            problems.add(path + ": got " + raw + ", want an object");
        } else if (required) {
            problems.add(path + ": required");
        }
        return null;
    }

    private void known(Map<?, ?> m, String path, String... fields) {
        List<String> allowed = List.of(fields);
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                problems.add(path + "." + k + ": unknown field, want one of " + String.join(", ", allowed));
            }
        }
    }

    private List<?> list(Object raw, String path) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> l) {
            return l;
        }
        problems.add(path + ": got " + raw + ", want a list");
        return List.of();
    }

    private List<String> strings(Object raw, String path) {
        List<?> l = list(raw, path);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof String s && !s.isEmpty()) {
                out.add(s);
            } else {
                problems.add(path + "[" + i + "]: got " + quote(l.get(i)) + ", want a non-empty string");
            }
        }
        return out;
    }

    private String requiredString(Object raw, String path) {
        if (raw == null) {
            problems.add(path + ": required");
            return null;
        }
        return optionalString(raw, path);
    }

    private String optionalString(Object raw, String path) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof String s) {
            return s;
        }
        problems.add(path + ": got " + raw + ", want a string");
        return null;
    }

    private static String quote(Object o) {
        return o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    }
}
