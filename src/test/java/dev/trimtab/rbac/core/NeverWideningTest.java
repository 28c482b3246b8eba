package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The remediation plan never widens access, over random clusters and intents (seeded, so a
 * failure names a seed that replays): after applying it, every identity may make only requests it
 * could make before, every subject's permissions are a subset of its permissions before, and the
 * only violations left are among those reported without a fix.
 */
class NeverWideningTest {
    private static final int RUNS = 300;
    private static final String V1 = "rbac.authorization.k8s.io/v1";
    private static final List<String> NAMESPACES = List.of("a", "b", "kube-system");
    private static final List<Map<String, Object>> RULES = List.of(
            rule(List.of("get"), List.of(""), List.of("secrets")),
            rule(List.of("list", "watch"), List.of(""), List.of("secrets")),
            rule(List.of("*"), List.of("*"), List.of("*")),
            rule(List.of("get", "list"), List.of(""), List.of("pods")),
            rule(List.of("impersonate"), List.of(""), List.of("users")),
            rule(List.of("create"), List.of(""), List.of("pods")),
            rule(List.of("*"), List.of(""), List.of("pods")),
            rule(List.of("get"), List.of("*"), List.of("deployments")),
            rule(List.of("escalate"), List.of("rbac.authorization.k8s.io"), List.of("roles")),
            Map.of(
                    "verbs",
                    List.of("get"),
                    "apiGroups",
                    List.of(""),
                    "resources",
                    List.of("secrets"),
                    "resourceNames",
                    List.of("db")));
    private static final List<Map<String, Object>> SUBJECTS = List.of(
            subject("User", "alice", null),
            subject("User", "bob", null),
            subject("Group", "devs", null),
            subject("Group", "platform-admins", null),
            subject("Group", "system:serviceaccounts", null),
            subject("Group", "system:serviceaccounts:a", null),
            subject("Group", "system:authenticated", null),
            subject("ServiceAccount", "web", "a"),
            subject("ServiceAccount", "ctrl", "kube-system"),
            subject("ServiceAccount", "job", "b"),
            subject("User", "system:serviceaccount:b:job", null));
    private static final List<UserInfo> IDENTITIES = List.of(
            UserInfo.authenticated("alice", List.of()),
            UserInfo.authenticated("bob", List.of("devs")),
            UserInfo.authenticated("eve", List.of("platform-admins")),
            UserInfo.serviceAccount("a", "web"),
            UserInfo.serviceAccount("kube-system", "ctrl"),
            UserInfo.serviceAccount("b", "job"),
            new UserInfo(UserInfo.ANONYMOUS, List.of(UserInfo.UNAUTHENTICATED)));
    private static final String INTENTS = """
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: admins}, spec: {rules: [{onlySubjects: {role: {kind: ClusterRole, name: cluster-admin}, allowed: [{kind: Group, name: platform-admins}]}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: secrets}, spec: {rules: [{forbidAccess: {subjects: {kind: ServiceAccount, exceptNamespaces: [kube-system]}, verbs: [get, list, watch], resource: secrets, scope: Cluster}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: users}, spec: {rules: [{forbidAccess: {subjects: {kind: User}, verbs: [get], resource: secrets}}, {forbidAccess: {subjects: {}, verbs: [create], resource: pods, scope: Namespaces, namespaceSelector: {matchLabels: {tenant: "true"}}}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: tenants}, spec: {rules: [{forbidWildcards: {namespaceSelector: {matchLabels: {tenant: "true"}}}}]}}
            - {apiVersion: trimtab.dev/v1alpha1, kind: RbacIntent, metadata: {name: escalation}, spec: {rules: [{forbidFindings: {codes: [Impersonate, Escalate, WorkloadCreation, ClusterAdmin], exceptSubjects: [{kind: Group, name: platform-admins}]}}]}}
            """;

    @Test
    void applyingThePlanNeverWidensAndLeavesOnlyReportedViolations() throws Exception {
        List<Map<String, Object>> pool = Fixtures.list(Fixtures.YAML.readValue(INTENTS, List.class));
        int multiRemovals = 0;
        int deletions = 0;
        int emptied = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            Random random = new Random(seed);
            List<Map<String, Object>> objects = cluster(random);
            List<Map<String, Object>> intentObjects =
                    pool.stream().filter(i -> random.nextInt(3) > 0).toList();
            List<RbacIntent> intents = RbacIntent.fromObjects(intentObjects).intents();
            RbacModel before = RbacModel.fromObjects(objects);
            NamespaceLabels namespaces = NamespaceLabels.fromObjects(objects);
            List<IntentViolation> violations = IntentChecker.check(before, namespaces, intents);
            RemediationPlan plan = IntentRemediator.plan(violations, objects);
            List<Map<String, Object>> objectsAfter = Plans.apply(objects, plan);
            RbacModel after = RbacModel.fromObjects(objectsAfter);

            assertThat(widenings(before, after)).as("seed %d", seed).isEmpty();
            List<IntentViolation> left = IntentChecker.check(after, namespaces, intents);
            // a reported-only violation of a binding may go with the binding, when another fix deletes it
            assertThat(left)
                    .as("seed %d", seed)
                    .extracting(Plans::key)
                    .isSubsetOf(violations.stream()
                            .filter(v -> plan.fixFor(v).action() == IntentFix.Action.None)
                            .map(Plans::key)
                            .toList());
            for (IntentFix f : plan.fixes()) {
                multiRemovals += f.patch().stream()
                                        .filter(op -> op.get("op").equals("remove"))
                                        .count()
                                > 1
                        ? 1
                        : 0;
                deletions += f.action() == IntentFix.Action.DeleteBinding ? 1 : 0;
                emptied += f.message().contains("left with no subjects and, not managed") ? 1 : 0;
            }
        }
        // the generator reaches every shape of fix, or the property says little
        assertThat(multiRemovals).isGreaterThan(20);
        assertThat(deletions).isGreaterThan(20);
        assertThat(emptied).isGreaterThan(20);
    }

    @Test
    void theComparisonCatchesAWideningChange() {
        List<Map<String, Object>> objects = new ArrayList<>(List.of(
                clusterRole("r", RULES.get(0)),
                binding("ClusterRoleBinding", null, "b", "ClusterRole", "r", false, List.of(SUBJECTS.get(0)))));
        RbacModel before = RbacModel.fromObjects(objects);
        objects.set(
                1,
                binding(
                        "ClusterRoleBinding",
                        null,
                        "b",
                        "ClusterRole",
                        "r",
                        false,
                        List.of(SUBJECTS.get(0), SUBJECTS.get(1))));
        assertThat(widenings(before, RbacModel.fromObjects(objects)))
                .contains("bob may get secrets cluster-wide", "User bob gains ClusterRoleBinding b rules[0] in \"\"");
    }

    /** What some identity may do after but not before; which grants a subject holds after but not before. */
    static List<String> widenings(RbacModel before, RbacModel after) {
        List<String> out = new ArrayList<>();
        Authorizer was = new Authorizer(before);
        Authorizer is = new Authorizer(after);
        for (UserInfo user : IDENTITIES) {
            for (AccessRequest r : requests()) {
                if (is.canI(user, r).allowed() && !was.canI(user, r).allowed()) {
                    out.add(user.name() + " may " + r);
                }
            }
        }
        for (Map<String, Object> raw : SUBJECTS) {
            Subject s = RbacParser.subject(raw, "s", "a", new ArrayList<>());
            Set<String> held = grants(was.permissions(s));
            grants(is.permissions(s)).stream().filter(g -> !held.contains(g)).forEach(g -> out.add(s + " gains " + g));
        }
        return out;
    }

    private static Set<String> grants(Map<String, List<Grant>> permissions) {
        Set<String> out = new HashSet<>();
        permissions.forEach((scope, grants) ->
                grants.forEach(g -> out.add(g.binding() + " rules[" + g.ruleIndex() + "] in \"" + scope + "\"")));
        return out;
    }

    private static List<AccessRequest> requests() {
        List<AccessRequest> out = new ArrayList<>();
        List<String[]> resources = List.of(
                new String[] {"", "secrets"},
                new String[] {"", "pods"},
                new String[] {"apps", "deployments"},
                new String[] {"", "users"},
                new String[] {"rbac.authorization.k8s.io", "roles"});
        for (String verb : List.of("get", "list", "create", "impersonate", "escalate", "delete")) {
            for (String[] res : resources) {
                for (String ns : List.of("", "a", "b", "kube-system")) {
                    out.add(AccessRequest.resource(verb, res[0], res[1], "", "", ns));
                    out.add(AccessRequest.resource(verb, res[0], res[1], "", "db", ns));
                }
            }
        }
        out.add(AccessRequest.nonResource("get", "/metrics"));
        return out;
    }

    private static List<Map<String, Object>> cluster(Random random) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String ns : NAMESPACES) {
            out.add(Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Namespace",
                    "metadata",
                    Map.of("name", ns, "labels", Map.of("tenant", String.valueOf(random.nextBoolean())))));
        }
        List<String[]> roles = new ArrayList<>();
        out.add(clusterRole("cluster-admin", RULES.get(2)));
        roles.add(new String[] {null, "ClusterRole", "cluster-admin"});
        for (int i = 0; i < 3; i++) {
            out.add(clusterRole("cr" + i, pick(random, RULES), pick(random, RULES)));
            roles.add(new String[] {null, "ClusterRole", "cr" + i});
        }
        for (String ns : NAMESPACES) {
            if (random.nextBoolean()) {
                out.add(Map.of(
                        "apiVersion",
                        V1,
                        "kind",
                        "Role",
                        "metadata",
                        Map.of("name", "r", "namespace", ns),
                        "rules",
                        List.of(pick(random, RULES), pick(random, RULES))));
                roles.add(new String[] {ns, "Role", "r"});
            }
        }
        int n = 2 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            String[] role = roles.get(random.nextInt(roles.size()));
            boolean cluster = role[0] == null && random.nextBoolean();
            String ns = role[0] != null ? role[0] : NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            List<Map<String, Object>> subjects = new ArrayList<>();
            int k = 1 + random.nextInt(4);
            for (int j = 0; j < k; j++) {
                Map<String, Object> s = pick(random, SUBJECTS);
                // a RoleBinding's service account of its own namespace, written without the namespace
                boolean bare = !cluster
                        && "ServiceAccount".equals(s.get("kind"))
                        && ns.equals(s.get("namespace"))
                        && random.nextBoolean();
                subjects.add(bare ? Map.of("kind", "ServiceAccount", "name", s.get("name")) : s);
            }
            out.add(binding(
                    cluster ? "ClusterRoleBinding" : "RoleBinding",
                    cluster ? null : ns,
                    "b" + i,
                    role[1],
                    role[2],
                    random.nextBoolean(),
                    subjects));
        }
        return out;
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static Map<String, Object> rule(List<String> verbs, List<String> groups, List<String> resources) {
        return Map.of("verbs", verbs, "apiGroups", groups, "resources", resources);
    }

    private static Map<String, Object> subject(String kind, String name, String namespace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("name", name);
        if (namespace != null) {
            m.put("namespace", namespace);
        }
        return m;
    }

    @SafeVarargs
    private static Map<String, Object> clusterRole(String name, Map<String, Object>... rules) {
        return Map.of(
                "apiVersion", V1, "kind", "ClusterRole", "metadata", Map.of("name", name), "rules", List.of(rules));
    }

    private static Map<String, Object> binding(
            String kind,
            String ns,
            String name,
            String roleKind,
            String role,
            boolean trimtab,
            List<Map<String, Object>> subjects) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        if (ns != null) {
            meta.put("namespace", ns);
        }
        if (trimtab) {
            meta.put("labels", Map.of(IntentRemediator.MANAGED_BY, IntentRemediator.TRIMTAB));
        }
        return Map.of(
                "apiVersion",
                V1,
                "kind",
                kind,
                "metadata",
                meta,
                "roleRef",
                Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", roleKind, "name", role),
                "subjects",
                subjects);
    }
}
