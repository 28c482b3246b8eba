package dev.trimtab.rbac.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads the data files under {@code rbac/} and builds records from their compact forms. */
final class Fixtures {
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private Fixtures() {}

    static Object load(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/rbac/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource rbac/" + file);
            }
            return YAML.readValue(in, Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o) {
        return o == null ? List.of() : (List<String>) o;
    }

    /** Go's strings.Split(s, ","): "" gives [""]. */
    static List<String> split(String s) {
        return Arrays.asList(s.split(",", -1));
    }

    /** Upstream newRule: "verbs|apiGroups|resources|nonResourceURLs" (the last part optional). */
    static PolicyRule rule(String compact) {
        String[] p = compact.split("\\|", -1);
        return new PolicyRule(split(p[0]), split(p[1]), split(p[2]), List.of(), p.length > 3 ? split(p[3]) : List.of());
    }

    static List<PolicyRule> rules(Object compact) {
        return strings(compact).stream().map(Fixtures::rule).toList();
    }

    /** "User:name", "Group:name", "ServiceAccount:ns/name" (upstream's "Kind:name" form). */
    static Subject subject(String s) {
        int colon = s.indexOf(':');
        String kind = s.substring(0, colon);
        String name = s.substring(colon + 1);
        return switch (kind) {
            case "User" -> Subject.user(name);
            case "Group" -> Subject.group(name);
            default ->
                Subject.serviceAccount(name.substring(0, name.indexOf('/')), name.substring(name.indexOf('/') + 1));
        };
    }

    static List<Subject> subjects(Object o) {
        return strings(o).stream().map(Fixtures::subject).toList();
    }

    /** A model from the compact roles/clusterRoles/roleBindings/clusterRoleBindings of a data case. */
    static RbacModel model(Map<String, Object> c) {
        List<Role> roles = new ArrayList<>();
        list(c.get("roles"))
                .forEach(r -> roles.add(
                        Role.role((String) r.get("namespace"), (String) r.get("name"), rules(r.get("rules")))));
        list(c.get("clusterRoles"))
                .forEach(r -> roles.add(Role.clusterRole((String) r.get("name"), rules(r.get("rules")))));
        List<Binding> bindings = new ArrayList<>();
        int n = 0;
        for (Map<String, Object> b : list(c.get("clusterRoleBindings"))) {
            bindings.add(Binding.clusterRoleBinding("crb" + n++, (String) b.get("role"), subjects(b.get("subjects"))));
        }
        for (Map<String, Object> b : list(c.get("roleBindings"))) {
            String ns = (String) b.get("namespace");
            ObjectRef role = "Role".equals(b.get("roleKind"))
                    ? ObjectRef.role(ns, (String) b.get("role"))
                    : ObjectRef.clusterRole((String) b.get("role"));
            bindings.add(Binding.roleBinding(ns, "rb" + n++, role, subjects(b.get("subjects"))));
        }
        return RbacModel.of(roles, bindings);
    }

    /** A request from {verb, group, resource, subresource, name, namespace} or {verb, url}. */
    static AccessRequest request(Map<String, Object> r) {
        if (r.get("url") != null) {
            return AccessRequest.nonResource((String) r.get("verb"), (String) r.get("url"));
        }
        return AccessRequest.resource(
                (String) r.get("verb"),
                (String) r.get("group"),
                (String) r.get("resource"),
                (String) r.get("subresource"),
                (String) r.get("name"),
                (String) r.get("namespace"));
    }

    /** A user as given: name (absent = ""), groups as a comma-separated string or a list. */
    static UserInfo user(Map<String, Object> r) {
        String name = r.get("user") == null ? "" : (String) r.get("user");
        Object g = r.get("groups");
        List<String> groups = g == null ? List.of() : g instanceof String s ? split(s) : strings(g);
        return new UserInfo(name, groups);
    }
}
