package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The indexed paths give exactly the answers of the plain definitions they replace, over random
 * clusters (seeded): {@link Authorizer#canI} visiting only the bindings that name the user or its
 * groups, and {@link Authorizer#whoCan} evaluating each binding's rules once, against
 * {@link Reference} (every binding visited, as the authorizer was written before the index);
 * the aggregation with its matches worked out once and its rules deduplicated through a set; the
 * escalation checks with their verb pre-check, against the stream form they replace; findings of
 * some codes only; and {@link PolicyRule#allowsSomeName} without its request copy.
 */
class IndexedEquivalenceTest {
    static final String V1 = "rbac.authorization.k8s.io/v1";
    static final List<String> NAMESPACES = List.of("a", "b", "c");
    static final String[][] RESOURCES = {
        {"", "pods"},
        {"", "pods/log"},
        {"", "secrets"},
        {"apps", "deployments"},
        {"apps", "deployments/scale"},
        {"rbac.authorization.k8s.io", "roles"},
        {"", "users"},
        {"", "serviceaccounts/token"}
    };
    static final String[] VERBS = {"get", "list", "create", "delete", "impersonate", "escalate", "bind", "*"};

    @Test
    void canIAndWhoCanAgreeWithVisitingEveryBinding() {
        int allowed = 0;
        int subjects = 0;
        for (int seed = 0; seed < 150; seed++) {
            Random rnd = new Random(seed);
            RbacModel model = RbacModel.fromObjects(cluster(rnd));
            Authorizer authorizer = new Authorizer(model);
            for (UserInfo user : identities()) {
                for (AccessRequest r : requests()) {
                    Answer want = Reference.canI(model, user, r);
                    assertThat(authorizer.canI(user, r))
                            .as("seed %d %s %s", seed, user, r)
                            .isEqualTo(want);
                    allowed += want.allowed() ? 1 : 0;
                }
            }
            for (AccessRequest r : requests()) {
                List<SubjectGrants> want = Reference.whoCan(model, r);
                assertThat(authorizer.whoCan(r)).as("seed %d %s", seed, r).isEqualTo(want);
                subjects += want.size();
            }
        }
        assertThat(allowed).isGreaterThan(1000); // the clusters allow a good share, or this says little
        assertThat(subjects).isGreaterThan(1000);
    }

    @Test
    void aggregationAgreesWithTheQuadraticDefinition() {
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            RbacModel model = RbacModel.fromObjects(cluster(rnd));
            List<Role> clusterRoles = model.roles().stream()
                    .filter(r -> r.ref().isClusterScoped())
                    .toList();
            assertThat(Aggregator.effectiveRules(clusterRoles))
                    .as("seed %d", seed)
                    .isEqualTo(Reference.effectiveRules(clusterRoles));
        }
    }

    @Test
    void escalationChecksAgreeWithTheStreamForm() {
        for (int seed = 0; seed < 100; seed++) {
            Random rnd = new Random(seed);
            RbacModel model = RbacModel.fromObjects(cluster(rnd));
            for (Role role : model.roles()) {
                for (PolicyRule rule : model.rulesOf(role.ref()).orElseThrow()) {
                    for (EscalationCheck check : EscalationCheck.ALL) {
                        for (boolean clusterWide : new boolean[] {true, false}) {
                            assertThat(check.openedBy(rule, clusterWide))
                                    .isEqualTo(check.probes().stream()
                                            .filter(p -> (clusterWide || p.namespaced()) && Reference.openedBy(p, rule))
                                            .toList());
                        }
                    }
                }
            }
        }
    }

    @Test
    void findingsOfSomeCodesAreTheFilteredFindingsAndAllowsSomeNameIsUnchanged() {
        List<FindingCode> all = List.of(FindingCode.values());
        for (int seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed);
            RbacModel model = RbacModel.fromObjects(cluster(rnd));
            List<Finding> every = new EscalationFinder(model).find();
            Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
            all.stream().filter(c -> rnd.nextInt(3) == 0).forEach(codes::add);
            assertThat(new EscalationFinder(model).find(codes))
                    .as("seed %d %s", seed, codes)
                    .isEqualTo(
                            every.stream().filter(f -> codes.contains(f.code())).toList());
            for (Role role : model.roles()) {
                for (PolicyRule rule : model.rulesOf(role.ref()).orElseThrow()) {
                    for (AccessRequest r : requests()) {
                        assertThat(rule.allowsSomeName(r)).isEqualTo(Reference.allowsSomeName(rule, r));
                    }
                }
            }
        }
    }

    static List<UserInfo> identities() {
        return List.of(
                UserInfo.authenticated("alice", List.of()),
                UserInfo.authenticated("bob", List.of("devs", "ops")),
                UserInfo.authenticated("carol", List.of("ops", "devs", "ops")),
                UserInfo.serviceAccount("a", "web"),
                UserInfo.serviceAccount("b", "job"),
                new UserInfo(null, List.of("devs")),
                new UserInfo(UserInfo.ANONYMOUS, List.of(UserInfo.UNAUTHENTICATED)),
                new UserInfo("system:serviceaccount:c:ctl", List.of()));
    }

    static List<AccessRequest> requests() {
        List<AccessRequest> out = new ArrayList<>();
        for (String verb : List.of("get", "list", "create", "impersonate", "escalate")) {
            for (String[] res : RESOURCES) {
                String[] rs = res[1].split("/");
                for (String ns : List.of("", "a", "b", "zz")) {
                    out.add(AccessRequest.resource(verb, res[0], rs[0], rs.length > 1 ? rs[1] : "", "", ns));
                    out.add(AccessRequest.resource(verb, res[0], rs[0], rs.length > 1 ? rs[1] : "", "db", ns));
                }
            }
        }
        out.add(AccessRequest.nonResource("get", "/metrics"));
        out.add(AccessRequest.nonResource("get", "/apis/apps"));
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cluster(Random rnd) {
        List<Map<String, Object>> out = new ArrayList<>();
        int clusterRoles = 2 + rnd.nextInt(8);
        for (int i = 0; i < clusterRoles; i++) {
            Map<String, Object> o = obj("ClusterRole", "cr-" + i, null);
            if (rnd.nextInt(3) == 0) {
                ((Map<String, Object>) o.get("metadata")).put("labels", Map.of("agg-" + rnd.nextInt(3), "true"));
            }
            if (rnd.nextInt(4) == 0) {
                List<Object> selectors = new ArrayList<>();
                int n = rnd.nextInt(3);
                for (int k = 0; k < n; k++) {
                    selectors.add(Map.of("matchLabels", Map.of("agg-" + rnd.nextInt(3), "true")));
                }
                o.put("aggregationRule", Map.of("clusterRoleSelectors", selectors));
            }
            o.put("rules", rules(rnd, true));
            out.add(o);
        }
        int roles = rnd.nextInt(6);
        for (int i = 0; i < roles; i++) {
            Map<String, Object> o = obj("Role", "role-" + rnd.nextInt(4), NAMESPACES.get(rnd.nextInt(3)));
            o.put("rules", rules(rnd, false));
            out.add(o);
        }
        int bindings = 1 + rnd.nextInt(12);
        for (int i = 0; i < bindings; i++) {
            boolean cluster = rnd.nextInt(3) == 0;
            String ns = NAMESPACES.get(rnd.nextInt(3));
            Map<String, Object> o =
                    obj(cluster ? "ClusterRoleBinding" : "RoleBinding", "b-" + rnd.nextInt(10), cluster ? null : ns);
            boolean toRole = !cluster && rnd.nextBoolean();
            o.put(
                    "roleRef",
                    Map.of(
                            "apiGroup",
                            "rbac.authorization.k8s.io",
                            "kind",
                            toRole ? "Role" : "ClusterRole",
                            "name",
                            toRole ? "role-" + rnd.nextInt(4) : "cr-" + rnd.nextInt(clusterRoles + 1)));
            List<Object> subjects = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                subjects.add(subject(rnd, cluster));
            }
            o.put("subjects", subjects);
            out.add(o);
        }
        return out;
    }

    static Map<String, Object> subject(Random rnd, boolean cluster) {
        return switch (rnd.nextInt(9)) {
            case 0 -> Map.of("kind", "User", "name", "alice");
            case 1 -> Map.of("kind", "User", "name", "bob");
            case 2 -> Map.of("kind", "Group", "name", "devs");
            case 3 -> Map.of("kind", "Group", "name", "ops");
            case 4 ->
                Map.of("kind", "Group", "name", rnd.nextBoolean() ? "system:authenticated" : "system:serviceaccounts");
            case 5 -> Map.of("kind", "ServiceAccount", "name", "web", "namespace", "a");
            case 6 ->
                cluster
                        ? Map.of("kind", "ServiceAccount", "name", "job", "namespace", "b")
                        : Map.of("kind", "ServiceAccount", "name", "job"); // the binding's namespace
            case 7 -> Map.of("kind", "User", "name", "system:serviceaccount:c:ctl");
            default -> Map.of("kind", "Group", "name", "system:serviceaccounts:" + NAMESPACES.get(rnd.nextInt(3)));
        };
    }

    static List<Object> rules(Random rnd, boolean cluster) {
        List<Object> out = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (cluster && rnd.nextInt(6) == 0) {
                out.add(Map.of(
                        "verbs",
                        List.of("get"),
                        "nonResourceURLs",
                        List.of(rnd.nextBoolean() ? "/metrics" : "/apis/*")));
                continue;
            }
            String[] res = RESOURCES[rnd.nextInt(RESOURCES.length)];
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("verbs", List.of(VERBS[rnd.nextInt(VERBS.length)], VERBS[rnd.nextInt(VERBS.length)]));
            r.put("apiGroups", List.of(rnd.nextInt(6) == 0 ? "*" : res[0]));
            r.put("resources", List.of(rnd.nextInt(8) == 0 ? "*" : rnd.nextInt(8) == 0 ? "*/scale" : res[1]));
            if (rnd.nextInt(5) == 0) {
                r.put("resourceNames", List.of("db"));
            }
            out.add(r);
        }
        return out;
    }

    static Map<String, Object> obj(String kind, String name, String namespace) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", V1);
        o.put("kind", kind);
        o.put("metadata", meta);
        return o;
    }

    /** The definitions as they were written before the indexes. */
    static final class Reference {
        static Answer canI(RbacModel model, UserInfo user, AccessRequest request) {
            List<Grant> grants = new ArrayList<>();
            visit(model, request.namespace(), b -> {
                Subject subject = b.subjects().stream()
                        .filter(s -> s.appliesTo(user))
                        .findFirst()
                        .orElse(null);
                if (subject != null) {
                    grants.addAll(allowing(model, b, request, subject));
                }
            });
            return new Answer(!grants.isEmpty(), request, grants);
        }

        static List<SubjectGrants> whoCan(RbacModel model, AccessRequest request) {
            Map<Subject, List<Grant>> bySubject = new LinkedHashMap<>();
            visit(model, request.namespace(), b -> {
                for (Subject s : b.subjects()) {
                    List<Grant> g = allowing(model, b, request, s);
                    if (!g.isEmpty()) {
                        bySubject.computeIfAbsent(s, k -> new ArrayList<>()).addAll(g);
                    }
                }
            });
            return bySubject.entrySet().stream()
                    .map(e -> new SubjectGrants(e.getKey(), e.getValue()))
                    .toList();
        }

        static void visit(RbacModel model, String namespace, Consumer<Binding> visitor) {
            model.bindings().stream().filter(Binding::isClusterWide).forEach(visitor);
            if (!namespace.isEmpty()) {
                model.bindings().stream()
                        .filter(b -> !b.isClusterWide() && b.appliesIn(namespace))
                        .forEach(visitor);
            }
        }

        static List<Grant> allowing(RbacModel model, Binding b, AccessRequest request, Subject subject) {
            List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
            List<Grant> out = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                out.add(new Grant(b.ref(), b.role(), i, rules.get(i), subject));
            }
            return out.stream().filter(g -> g.rule().allows(request)).toList();
        }

        static Map<String, List<PolicyRule>> effectiveRules(List<Role> clusterRoles) {
            List<Role> byName = new ArrayList<>(clusterRoles);
            byName.sort(Comparator.comparing(r -> r.ref().name()));
            Map<String, List<PolicyRule>> current = new LinkedHashMap<>();
            int totalRules = 0;
            for (Role r : byName) {
                current.put(r.ref().name(), r.isAggregated() ? List.of() : r.rules());
                totalRules += r.rules().size();
            }
            int maxPasses = byName.size() + totalRules + 2;
            for (int pass = 0; pass < maxPasses; pass++) {
                boolean changed = false;
                for (Role agg : byName) {
                    if (!agg.isAggregated()) {
                        continue;
                    }
                    List<PolicyRule> next = new ArrayList<>();
                    for (var selector : agg.aggregationSelectors()) {
                        for (Role r : byName) {
                            if (r.ref().name().equals(agg.ref().name()) || !selector.matches(r.labels())) {
                                continue;
                            }
                            for (PolicyRule rule : current.get(r.ref().name())) {
                                if (!next.contains(rule)) {
                                    next.add(rule);
                                }
                            }
                        }
                    }
                    if (!List.copyOf(next).equals(current.get(agg.ref().name()))) {
                        current.put(agg.ref().name(), List.copyOf(next));
                        changed = true;
                    }
                }
                if (!changed) {
                    break;
                }
            }
            return current;
        }

        static boolean allowsSomeName(PolicyRule rule, AccessRequest request) {
            return rule.allows(new AccessRequest(
                    request.verb(),
                    request.apiGroup(),
                    request.resource(),
                    request.subresource(),
                    rule.resourceNames().isEmpty()
                            ? request.name()
                            : rule.resourceNames().get(0),
                    request.namespace(),
                    request.path()));
        }

        static boolean openedBy(EscalationCheck.Probe p, PolicyRule rule) {
            if (!p.anySubresource()) {
                return allowsSomeName(
                        rule, AccessRequest.resource(p.verb(), p.group(), p.resource(), p.subresource(), "", "ns"));
            }
            return rule.verbMatches(p.verb())
                    && rule.apiGroupMatches(p.group())
                    && rule.resources().stream()
                            .anyMatch(r ->
                                    r.equals(PolicyRule.ALL) || r.startsWith(p.resource() + "/") || r.startsWith("*/"));
        }
    }
}
