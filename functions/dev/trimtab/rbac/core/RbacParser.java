package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Roles, ClusterRoles, RoleBindings and ClusterRoleBindings (any {@code
 * rbac.authorization.k8s.io} version) from map trees and validates them as the API server would on
 * create. Every problem of an object is reported, each naming the object and the field path
 * ({@code ClusterRole view: rules[2].verbs: required}); an object with a problem is left out and
 * the others are read. Objects of other kinds are ignored.
 */
final class RbacParser {
    static final String GROUP = "rbac.authorization.k8s.io";

    record Parsed(List<Role> roles, List<Binding> bindings, List<String> errors, List<String> warnings) {}

    /**
     * What one object gave: under {@code ref} (name {@code ?} when it has none) a role or a
     * binding, or neither when it has errors; and its warnings.
     */
    record Read(ObjectRef ref, Role role, Binding binding, List<String> errors, List<String> warnings) {}

    private RbacParser() {}

    static Parsed parse(List<Map<String, Object>> objects) {
        List<Read> reads = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            Read r = read(o);
            if (r != null) {
                reads.add(r);
            }
        }
        return parsed(reads);
    }

    /** The objects' roles, bindings, errors and warnings, each in input order. */
    static Parsed parsed(List<Read> reads) {
        List<Role> roles = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Read r : reads) {
            if (r.role() != null) {
                roles.add(r.role());
            }
            if (r.binding() != null) {
                bindings.add(r.binding());
            }
            if (!r.errors().isEmpty()) {
                errors.addAll(r.errors());
            }
            if (!r.warnings().isEmpty()) {
                warnings.addAll(r.warnings());
            }
        }
        return new Parsed(roles, bindings, errors, warnings);
    }

    /** One object; null when it is of no RBAC kind. */
    static Read read(Map<String, Object> o) {
        if (!(o.get("apiVersion") instanceof String v)
                || !v.startsWith(GROUP + "/")
                || !(o.get("kind") instanceof String kind)) {
            return null;
        }
        boolean namespaced = kind.equals(ObjectRef.ROLE) || kind.equals(ObjectRef.ROLE_BINDING);
        if (!namespaced && !kind.equals(ObjectRef.CLUSTER_ROLE) && !kind.equals(ObjectRef.CLUSTER_ROLE_BINDING)) {
            return null;
        }
        Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        String name = meta.get("name") instanceof String n && !n.isEmpty() ? n : null;
        String namespace = null;
        if (namespaced) {
            namespace = meta.get("namespace") instanceof String ns && !ns.isEmpty() ? ns : "default";
        }
        ObjectRef ref = new ObjectRef(kind, namespace, name == null ? "?" : name);
        List<String> problems = new ArrayList<>();
        if (name == null) {
            problems.add("metadata.name: required");
        }
        List<String> warnings = List.of();
        if (namespaced && !(meta.get("namespace") instanceof String ns && !ns.isEmpty())) {
            warnings = List.of(ref + ": metadata.namespace: absent, taken as \"default\" (as kubectl apply would)");
        }
        Role role = null;
        Binding binding = null;
        if (kind.endsWith("Binding")) {
            Binding b = binding(o, ref, problems);
            if (problems.isEmpty()) {
                binding = b;
            }
        } else {
            Role r = role(o, meta, ref, problems);
            if (problems.isEmpty()) {
                role = r;
            }
        }
        List<String> errors = new ArrayList<>(problems.size());
        problems.forEach(p -> errors.add(ref + ": " + p));
        return new Read(ref, role, binding, errors, warnings);
    }

    private static Role role(Map<String, Object> o, Map<?, ?> meta, ObjectRef ref, List<String> problems) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (meta.get("labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        List<PolicyRule> rules = new ArrayList<>();
        List<?> rawRules = list(o.get("rules"), "rules", problems);
        for (int i = 0; i < rawRules.size(); i++) {
            PolicyRule r = rule(rawRules.get(i), "rules[" + i + "]", !ref.isClusterScoped(), problems);
            if (r != null) {
                rules.add(r);
            }
        }
        List<LabelSelector> selectors = null;
        if (ref.isClusterScoped() && o.get("aggregationRule") != null) {
            selectors = new ArrayList<>();
            Map<?, ?> agg = o.get("aggregationRule") instanceof Map<?, ?> a ? a : Map.of();
            List<?> raw = list(agg.get("clusterRoleSelectors"), "aggregationRule.clusterRoleSelectors", problems);
            for (int i = 0; i < raw.size(); i++) {
                try {
                    LabelSelector s =
                            LabelSelector.fromMap(raw.get(i), "aggregationRule.clusterRoleSelectors[" + i + "]");
                    if (s != null) {
                        selectors.add(s);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new Role(ref, labels, rules, selectors);
    }

    /** A rule, or null when it has problems (added to {@code problems}). */
    private static PolicyRule rule(Object raw, String path, boolean namespaced, List<String> problems) {
        if (!(raw instanceof Map<?, ?> m)) {
            problems.add(path + ": got " + raw + ", want a rule object");
            return null;
        }
        int before = problems.size();
        List<String> verbs = strings(m.get("verbs"), path + ".verbs", problems);
        List<String> groups = strings(m.get("apiGroups"), path + ".apiGroups", problems);
        List<String> resources = strings(m.get("resources"), path + ".resources", problems);
        List<String> names = strings(m.get("resourceNames"), path + ".resourceNames", problems);
        List<String> urls = strings(m.get("nonResourceURLs"), path + ".nonResourceURLs", problems);
        if (problems.size() > before) {
            return null;
        }
        if (verbs.isEmpty()) {
            problems.add(path + ".verbs: required");
        }
        if (!urls.isEmpty()) {
            if (namespaced) {
                problems.add(path + ".nonResourceURLs: namespaced rules cannot apply to non-resource URLs");
            }
            if (!groups.isEmpty() || !resources.isEmpty() || !names.isEmpty()) {
                problems.add(
                        path + ".nonResourceURLs: rules cannot apply to both regular resources and non-resource URLs");
            }
        } else {
            if (groups.isEmpty()) {
                problems.add(path + ".apiGroups: required (resource rules must supply at least one api group)");
            }
            if (resources.isEmpty()) {
                problems.add(path + ".resources: required (resource rules must supply at least one resource)");
            }
        }
        return problems.size() > before ? null : new PolicyRule(verbs, groups, resources, names, urls);
    }

    private static Binding binding(Map<String, Object> o, ObjectRef ref, List<String> problems) {
        boolean cluster = ref.isClusterScoped();
        ObjectRef role = null;
        if (!(o.get("roleRef") instanceof Map<?, ?> rr)) {
            problems.add("roleRef: required");
        } else {
            Object kind = rr.get("kind");
            if (!(kind instanceof String k)
                    || !(k.equals(ObjectRef.CLUSTER_ROLE) || (!cluster && k.equals(ObjectRef.ROLE)))) {
                problems.add("roleRef.kind: got " + quote(kind) + ", want "
                        + (cluster ? "ClusterRole" : "Role or ClusterRole"));
            }
            if (rr.get("apiGroup") != null && !GROUP.equals(rr.get("apiGroup"))) {
                problems.add("roleRef.apiGroup: got " + quote(rr.get("apiGroup")) + ", want \"" + GROUP + "\"");
            }
            if (!(rr.get("name") instanceof String n) || n.isEmpty()) {
                problems.add("roleRef.name: required");
            } else if (kind instanceof String k) {
                role = new ObjectRef(k, k.equals(ObjectRef.ROLE) ? ref.namespace() : null, n);
            }
        }
        List<Subject> subjects = new ArrayList<>();
        List<?> raw = list(o.get("subjects"), "subjects", problems);
        for (int i = 0; i < raw.size(); i++) {
            Subject s = subject(raw.get(i), "subjects[" + i + "]", ref.namespace(), problems);
            if (s != null) {
                subjects.add(s);
            }
        }
        return new Binding(ref, role, subjects);
    }

    /** A subject entry as the API server reads it, or null (the problem added to {@code problems}). */
    static Subject subject(Object raw, String path, String bindingNamespace, List<String> problems) {
        if (!(raw instanceof Map<?, ?> m)) {
            problems.add(path + ": got " + raw + ", want a subject object");
            return null;
        }
        Subject.Kind kind;
        try {
            kind = Subject.Kind.valueOf(String.valueOf(m.get("kind")));
        } catch (IllegalArgumentException e) {
            problems.add(path + ".kind: got " + quote(m.get("kind")) + ", want User, Group or ServiceAccount");
            return null;
        }
        if (!(m.get("name") instanceof String name) || name.isEmpty()) {
            problems.add(path + ".name: required");
            return null;
        }
        Object group = m.get("apiGroup");
        String wantGroup = kind == Subject.Kind.ServiceAccount ? "" : GROUP;
        if (group != null && !wantGroup.equals(group)) {
            problems.add(path + ".apiGroup: got " + quote(group) + ", want \"" + wantGroup + "\" for " + kind);
            return null;
        }
        if (kind != Subject.Kind.ServiceAccount) {
            return new Subject(kind, name, null);
        }
        String ns = m.get("namespace") instanceof String s && !s.isEmpty() ? s : bindingNamespace;
        if (ns == null) {
            problems.add(path + ".namespace: required for a ServiceAccount in a ClusterRoleBinding");
            return null;
        }
        return Subject.serviceAccount(ns, name);
    }

    private static List<?> list(Object raw, String path, List<String> problems) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> l) {
            return l;
        }
        problems.add(path + ": got " + raw + ", want a list");
        return List.of();
    }

    private static List<String> strings(Object raw, String path, List<String> problems) {
        List<?> l = list(raw, path, problems);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof String s) {
                out.add(s);
            } else {
                problems.add(path + "[" + i + "]: got " + l.get(i) + ", want a string");
            }
        }
        return out;
    }

    private static String quote(Object o) {
        return o == null ? "nothing" : "\"" + o + "\"";
    }
}
