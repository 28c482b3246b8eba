package dev.trimtab.rbac.core;

import static dev.trimtab.kube.IntentFields.quote;

import dev.trimtab.kube.IntentFields;
import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads RbacIntents from map trees. Every problem of an intent is reported, naming the intent and
 * the field path ({@code RbacIntent tenants: spec.rules[1].forbidAccess.verbs: required}); an
 * intent with a problem is left out whole (half an intent could allow what the whole forbids).
 * Unknown fields are errors: a misspelt {@code exceptNamespaces} must not pass silently.
 */
final class RbacIntentParser {
    private static final List<String> RULE_KINDS =
            List.of("onlySubjects", "forbidAccess", "forbidWildcards", "forbidFindings");

    private final List<String> problems;
    private final IntentFields fields;

    private RbacIntentParser(List<String> problems) {
        this.problems = problems;
        // RbacIntent's problems show an object or list of the wrong type unquoted, even a string
        this.fields = new IntentFields(problems, String::valueOf);
    }

    static RbacIntent.Parsed parse(List<Map<String, Object>> objects) {
        IntentFields.Read<RbacIntent> read = IntentFields.read(
                objects,
                RbacIntent.KIND,
                RbacIntent.API_VERSION,
                (name, spec, problems) -> new RbacIntentParser(problems).intent(name, spec));
        return new RbacIntent.Parsed(read.intents(), read.errors());
    }

    private RbacIntent intent(String name, Object rawSpec) {
        Map<?, ?> spec = fields.map(rawSpec, "spec", true);
        if (spec == null) {
            return null;
        }
        fields.known(spec, "spec", "mode", "rules");
        // as text: RbacIntent's problem quotes a wrong mode even when it is not a string
        RbacIntent.Mode mode = fields.mode(Objects.toString(spec.get("mode"), null), RbacIntent.Mode.Audit);
        List<IntentRule> rules = fields.rules(spec.get("rules"), this::rule);
        return new RbacIntent(name, mode, rules);
    }

    private IntentRule rule(Object raw, String path) {
        Map<?, ?> m = fields.map(raw, path, true);
        if (m == null) {
            return null;
        }
        List<String> allowed = new ArrayList<>(RULE_KINDS);
        allowed.add("description");
        fields.known(m, path, allowed.toArray(String[]::new));
        List<String> kinds = RULE_KINDS.stream().filter(m::containsKey).toList();
        if (kinds.size() != 1) {
            problems.add(path + ": want exactly one of " + String.join(", ", RULE_KINDS)
                    + (kinds.isEmpty() ? "" : ", got " + String.join(" and ", kinds)));
            return null;
        }
        String description = optionalString(m.get("description"), path + ".description");
        String kind = kinds.get(0);
        String p = path + "." + kind;
        Map<?, ?> body = fields.map(m.get(kind), p, true);
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
        fields.known(m, path, "role", "allowed");
        ObjectRef role = null;
        Map<?, ?> r = fields.map(m.get("role"), path + ".role", true);
        if (r != null) {
            fields.known(r, path + ".role", "kind", "name", "namespace");
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
        fields.known(
                m,
                path,
                "subjects",
                "verbs",
                "group",
                "resource",
                "subresource",
                "nonResourceURL",
                "scope",
                "namespaces",
                "namespaceSelector");
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
        IntentRule.AccessScope scope =
                url != null ? IntentRule.AccessScope.Cluster : IntentRule.AccessScope.AnyNamespace;
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
        LabelSelector selector = fields.selector(m.get("namespaceSelector"), path + ".namespaceSelector");
        boolean some = m.containsKey("namespaces") || m.containsKey("namespaceSelector");
        if (scope == IntentRule.AccessScope.Namespaces) {
            if (m.containsKey("namespaces") == m.containsKey("namespaceSelector")) {
                problems.add(path
                        + ".namespaces: want exactly one of namespaces and namespaceSelector with scope Namespaces");
            } else if (m.containsKey("namespaces") && namespaces.isEmpty()) {
                problems.add(path + ".namespaces: must not be empty");
            }
        } else if (some) {
            problems.add(path + ".scope: namespaces and namespaceSelector need scope Namespaces, got " + scope);
        }
        return new IntentRule.ForbidAccess(
                description,
                subjects,
                verbs,
                group == null ? "" : group,
                resource == null ? "" : resource,
                subresource == null ? "" : subresource,
                url,
                scope,
                namespaces,
                selector);
    }

    private IntentRule forbidWildcards(String description, Map<?, ?> m, String path) {
        fields.known(m, path, "namespaceSelector", "in");
        if (!m.containsKey("namespaceSelector")) {
            problems.add(path + ".namespaceSelector: required ({} selects every namespace)");
        }
        LabelSelector selector = fields.selector(m.get("namespaceSelector"), path + ".namespaceSelector");
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
        fields.known(m, path, "codes", "exceptSubjects");
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
        return new IntentRule.ForbidFindings(
                description, codes, selectors(m.get("exceptSubjects"), path + ".exceptSubjects"));
    }

    private List<SubjectSelector> selectors(Object raw, String path) {
        List<?> l = fields.list(raw, path);
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
        Map<?, ?> m = fields.map(raw, path, true);
        if (m == null) {
            return null;
        }
        fields.known(m, path, "kind", "name", "namespace", "namespaces", "exceptNamespaces");
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
        boolean nsGiven =
                m.containsKey("namespace") || m.containsKey("namespaces") || m.containsKey("exceptNamespaces");
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

    private List<String> strings(Object raw, String path) {
        List<?> l = fields.list(raw, path);
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
}
