package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Changing one object at a time gives what reading everything again gives: {@link RbacModel#with}
 * equals {@link RbacModel#fromObjects} over the objects with the replacement (roles, bindings,
 * effective rules, errors, warnings), and {@link IntentChecker.Checked#over} equals
 * {@link IntentChecker#check} on the rebuilt model. Random clusters (seeded) and changes: subjects
 * added and removed, role references changed, bindings broken or added, roles and aggregated roles
 * rewritten, namespace labels changed, CSR approval rights granted, other kinds.
 */
class IncrementalTest {
    static final String INTENTS = """
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: admins}, spec: {rules: [{onlySubjects: {role: {kind: ClusterRole, name: cr-0}, allowed: [{kind: Group, name: ops}]}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: secrets}, spec: {rules: [{forbidAccess: {subjects: {kind: ServiceAccount, exceptNamespaces: [c]}, verbs: [get, list], resource: secrets, scope: Cluster}}, {forbidAccess: {subjects: {}, verbs: [create], resource: pods, scope: Namespaces, namespaceSelector: {matchLabels: {tenant: "true"}}}}, {forbidAccess: {subjects: {kind: User}, verbs: [get], resource: pods}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: tenants}, spec: {rules: [{forbidWildcards: {namespaceSelector: {matchLabels: {tenant: "true"}}}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: escalation}, spec: {rules: [{forbidFindings: {codes: [Impersonate, Escalate, Bind, ClusterAdmin, Wildcard, CsrApproval, TokenCreation], exceptSubjects: [{kind: Group, name: ops}]}}, {forbidFindings: {codes: [WorkloadCreation]}}]}}
            """;

    @Test
    @SuppressWarnings("unchecked")
    void withAndOverAgreeWithAFullRebuildAndCheck() throws Exception {
        List<RbacIntent> intents = RbacIntent.fromObjects(Fixtures.list(Fixtures.YAML.readValue(INTENTS, List.class)))
                .intents();
        assertThat(intents).hasSize(4);
        int incremental = 0;
        int violations = 0;
        for (int seed = 0; seed < 150; seed++) {
            Random rnd = new Random(seed);
            List<Map<String, Object>> objects = IndexedEquivalenceTest.cluster(rnd);
            for (String ns : IndexedEquivalenceTest.NAMESPACES) {
                objects.add(namespace(ns, rnd.nextBoolean()));
            }
            objects.add(csrRole("csr-approver", rnd.nextInt(4) == 0));
            objects.add(signerRole());
            objects.add(clusterBinding("csr-a", "csr-approver", IndexedEquivalenceTest.subject(rnd, true)));
            objects.add(clusterBinding("csr-b", "signer", IndexedEquivalenceTest.subject(rnd, true)));
            RbacModel model = RbacModel.fromObjects(objects);
            NamespaceLabels labels = NamespaceLabels.fromObjects(objects);
            IntentChecker.Checked checked = IntentChecker.checked(model, labels, intents);
            for (int step = 0; step < 15; step++) {
                Map<String, Object> change = change(objects, rnd);
                objects = replaceLast(objects, change);
                RbacModel rebuilt = RbacModel.fromObjects(objects);
                model = model.with(change);
                labels = labels.with(change);
                String at = "seed " + seed + " step " + step + " " + change;
                assertThat(List.copyOf(model.roles())).as(at).isEqualTo(List.copyOf(rebuilt.roles()));
                assertThat(List.copyOf(model.bindings())).as(at).isEqualTo(List.copyOf(rebuilt.bindings()));
                assertThat(model.errors()).as(at).isEqualTo(rebuilt.errors());
                assertThat(model.warnings()).as(at).isEqualTo(rebuilt.warnings());
                for (Role r : rebuilt.roles()) {
                    assertThat(model.rulesOf(r.ref())).as(at).isEqualTo(rebuilt.rulesOf(r.ref()));
                }
                incremental += List.copyOf(model.roles())
                                        .equals(List.copyOf(checked.model().roles()))
                                && model.bindings().size()
                                        == checked.model().bindings().size()
                        ? 1
                        : 0;
                checked = checked.over(model, labels);
                List<IntentViolation> want =
                        IntentChecker.check(rebuilt, NamespaceLabels.fromObjects(objects), intents);
                assertThat(checked.violations()).as(at).isEqualTo(want);
                violations += want.size();
            }
        }
        assertThat(incremental).isGreaterThan(800); // most changes take the incremental path
        assertThat(violations).isGreaterThan(3000);
    }

    static Map<String, Object> namespace(String name, boolean tenant) {
        return Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Namespace",
                "metadata",
                Map.of("name", name, "labels", Map.of("tenant", String.valueOf(tenant))));
    }

    /** A ClusterRole with the two rights CSR approval needs (or only the first). */
    static Map<String, Object> csrRole(String name, boolean signer) {
        Map<String, Object> o = IndexedEquivalenceTest.obj("ClusterRole", name, null);
        List<Object> rules = new ArrayList<>();
        rules.add(Map.of(
                "verbs",
                List.of("update"),
                "apiGroups",
                List.of("certificates.k8s.io"),
                "resources",
                List.of("certificatesigningrequests/approval")));
        if (signer) {
            rules.add(Map.of(
                    "verbs",
                    List.of("approve"),
                    "apiGroups",
                    List.of("certificates.k8s.io"),
                    "resources",
                    List.of("signers")));
        }
        o.put("rules", rules);
        return o;
    }

    /** A ClusterRole that may approve for any signer: CSR approval with the right on the CSRs. */
    static Map<String, Object> signerRole() {
        Map<String, Object> o = IndexedEquivalenceTest.obj("ClusterRole", "signer", null);
        o.put(
                "rules",
                List.of(Map.of(
                        "verbs",
                        List.of("approve"),
                        "apiGroups",
                        List.of("certificates.k8s.io"),
                        "resources",
                        List.of("signers"))));
        return o;
    }

    static Map<String, Object> clusterBinding(String name, String role, Map<String, Object> subject) {
        Map<String, Object> o = IndexedEquivalenceTest.obj("ClusterRoleBinding", name, null);
        o.put("roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", role));
        o.put("subjects", new ArrayList<>(List.of(subject)));
        return o;
    }

    /** A new version of a random object (mostly a binding), or now and then a new object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> change(List<Map<String, Object>> objects, Random rnd) {
        int kind = rnd.nextInt(24);
        switch (kind) {
            case 0 -> {
                return namespace(IndexedEquivalenceTest.NAMESPACES.get(rnd.nextInt(3)), rnd.nextBoolean());
            }
            case 1 -> {
                Map<String, Object> o = IndexedEquivalenceTest.obj(
                        "Role", "role-" + rnd.nextInt(4), IndexedEquivalenceTest.NAMESPACES.get(rnd.nextInt(3)));
                o.put("rules", IndexedEquivalenceTest.rules(rnd, false));
                return o;
            }
            case 2 -> {
                Map<String, Object> o = IndexedEquivalenceTest.obj("ClusterRole", "cr-" + rnd.nextInt(4), null);
                ((Map<String, Object>) o.get("metadata")).put("labels", Map.of("agg-" + rnd.nextInt(3), "true"));
                o.put("rules", IndexedEquivalenceTest.rules(rnd, true));
                return o;
            }
            case 3 -> {
                return csrRole("csr-approver", rnd.nextBoolean());
            }
            case 4 -> {
                return Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", "x"));
            }
            default -> {}
        }
        List<Map<String, Object>> bindings = objects.stream()
                .filter(o -> String.valueOf(o.get("kind")).endsWith("Binding"))
                .toList();
        if (kind < 9) { // the CSR bindings, whose findings depend on each other
            bindings = bindings.stream()
                    .filter(o -> String.valueOf(o.get("metadata")).contains("name=csr-"))
                    .toList();
        }
        if (bindings.isEmpty() || kind == 5) {
            Map<String, Object> o = IndexedEquivalenceTest.obj("ClusterRoleBinding", "new-" + rnd.nextInt(3), null);
            o.put(
                    "roleRef",
                    Map.of(
                            "apiGroup",
                            "rbac.authorization.k8s.io",
                            "kind",
                            "ClusterRole",
                            "name",
                            rnd.nextBoolean() ? "csr-approver" : "cr-1"));
            o.put("subjects", List.of(IndexedEquivalenceTest.subject(rnd, true)));
            return o;
        }
        Map<String, Object> b = new LinkedHashMap<>(bindings.get(rnd.nextInt(bindings.size())));
        boolean cluster = "ClusterRoleBinding".equals(b.get("kind"));
        List<Object> subjects = new ArrayList<>((List<Object>) b.getOrDefault("subjects", List.of()));
        switch (rnd.nextInt(6)) {
            case 0, 1 -> subjects.add(IndexedEquivalenceTest.subject(rnd, cluster));
            case 2 -> {
                if (!subjects.isEmpty()) {
                    subjects.remove(rnd.nextInt(subjects.size()));
                }
            }
            case 3 ->
                b.put(
                        "roleRef",
                        Map.of(
                                "apiGroup",
                                "rbac.authorization.k8s.io",
                                "kind",
                                "ClusterRole",
                                "name",
                                rnd.nextInt(3) == 0 ? "csr-approver" : "cr-" + rnd.nextInt(5)));
            case 4 -> subjects.add(Map.of("kind", "Nobody", "name", "x")); // left out with an error
            default -> subjects.add(Map.of("kind", "Group", "name", "ops"));
        }
        b.put("subjects", subjects);
        return b;
    }

    /** The objects with the last one of the same RBAC kind, namespace and name replaced by {@code o}, or o appended. */
    static List<Map<String, Object>> replaceLast(List<Map<String, Object>> objects, Map<String, Object> o) {
        List<Map<String, Object>> out = new ArrayList<>(objects);
        String key = key(o);
        for (int i = out.size() - 1; key != null && i >= 0; i--) {
            if (key.equals(key(out.get(i)))) {
                out.set(i, o);
                return out;
            }
        }
        out.add(o);
        return out;
    }

    @SuppressWarnings("unchecked")
    static String key(Map<String, Object> o) {
        String kind = String.valueOf(o.get("kind"));
        if (!String.valueOf(o.get("apiVersion")).startsWith("rbac.authorization.k8s.io/")
                || !List.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
                        .contains(kind)) {
            return null;
        }
        Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
        boolean namespaced = kind.equals("Role") || kind.equals("RoleBinding");
        Object ns = meta.get("namespace");
        return kind + " " + (namespaced ? (ns == null || "".equals(ns) ? "default" : ns) + "/" : "") + meta.get("name");
    }
}
