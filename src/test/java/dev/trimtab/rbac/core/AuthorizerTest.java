package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** can-i, who-can and permissions over manifests: scopes, service accounts, groups. */
class AuthorizerTest {
    private static final Map<String, Object> READ_PODS =
            RbacObjects.rule(List.of("get", "list"), List.of(""), List.of("pods"));
    private static final Map<String, Object> READ_DEPLOY =
            RbacObjects.rule(List.of("get"), List.of("apps"), List.of("deployments"));
    private static final Map<String, Object> HEALTHZ =
            Map.of("verbs", List.of("get"), "nonResourceURLs", List.of("/healthz"));

    private static final RbacModel MODEL = RbacModel.fromObjects(List.of(
            RbacObjects.clusterRole("pod-reader", Map.of(), READ_PODS, HEALTHZ),
            RbacObjects.role("team-a", "deploy-reader", READ_DEPLOY),
            RbacObjects.roleBinding("team-a", "alice-pods", "ClusterRole", "pod-reader", RbacObjects.user("alice")),
            RbacObjects.roleBinding(
                    "team-a", "sa-deploy", "Role", "deploy-reader", RbacObjects.serviceAccount(null, "builder")),
            RbacObjects.roleBinding(
                    "team-b",
                    "all-sa-b",
                    "ClusterRole",
                    "pod-reader",
                    RbacObjects.group("system:serviceaccounts:team-b")),
            RbacObjects.clusterRoleBinding(
                    "ops", "pod-reader", RbacObjects.group("ops"), RbacObjects.serviceAccount("mon", "prom"))));

    record Case(String name, UserInfo user, AccessRequest request, boolean want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static AccessRequest pods(String verb, String ns) {
        return AccessRequest.resource(verb, "", "pods", "", "", ns);
    }

    static Stream<Case> canI() {
        UserInfo alice = UserInfo.authenticated("alice", List.of());
        UserInfo builder = UserInfo.authenticated("system:serviceaccount:team-a:builder", List.of());
        return Stream.of(
                new Case("RoleBinding to ClusterRole grants in its namespace", alice, pods("get", "team-a"), true),
                new Case("... and nowhere else", alice, pods("get", "team-b"), false),
                new Case("... nor cluster-wide", alice, pods("list", ""), false),
                new Case("... nor the ClusterRole's URLs", alice, AccessRequest.nonResource("get", "/healthz"), false),
                new Case("verb not in the rule", alice, pods("delete", "team-a"), false),
                new Case(
                        "service account without namespace defaults to the binding's",
                        builder,
                        AccessRequest.resource("get", "apps", "deployments", "", "", "team-a"),
                        true),
                new Case(
                        "group from --as-group", UserInfo.authenticated("bob", List.of("ops")), pods("list", ""), true),
                new Case(
                        "ClusterRoleBinding grants URLs",
                        UserInfo.authenticated("bob", List.of("ops")),
                        AccessRequest.nonResource("get", "/healthz"),
                        true),
                new Case(
                        "ClusterRoleBinding grants in every namespace",
                        UserInfo.serviceAccount("mon", "prom"),
                        pods("get", "anywhere"),
                        true),
                new Case(
                        "service account of a namespace is in system:serviceaccounts:<ns>",
                        UserInfo.serviceAccount("team-b", "any"),
                        pods("get", "team-b"),
                        true),
                new Case(
                        "... a look-alike user name is not",
                        UserInfo.authenticated("system:serviceaccount:team-b", List.of()),
                        pods("get", "team-b"),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void canI(Case c) {
        Answer a = new Authorizer(MODEL).canI(c.user(), c.request());
        assertThat(a.allowed()).isEqualTo(c.want());
    }

    @Test
    void serviceAccountUsersGetTheirGroups() {
        assertThat(UserInfo.authenticated("system:serviceaccount:ns1:app", List.of())
                        .groups())
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated");
        // groups given: the API server does not add the service account's (ImpersonationTest)
        assertThat(UserInfo.authenticated("system:serviceaccount:ns1:app", List.of("extra"))
                        .groups())
                .containsExactly("extra", "system:authenticated");
        assertThat(UserInfo.authenticated("alice", List.of()).groups()).containsExactly("system:authenticated");
        assertThat(UserInfo.authenticated("system:anonymous", List.of()).groups())
                .containsExactly("system:unauthenticated");
        assertThat(UserInfo.serviceAccountOf("system:serviceaccount:a:b:c")).isEmpty();
        assertThat(UserInfo.serviceAccountOf("system:serviceaccount:a:b")).contains(Subject.serviceAccount("a", "b"));
    }

    @Test
    void canIListsEveryGrantWithBindingRoleAndRule() {
        Answer a = new Authorizer(MODEL).canI(UserInfo.authenticated("alice", List.of("ops")), pods("get", "team-a"));
        assertThat(a.grants())
                .extracting(g -> g.binding().toString() + " " + g.role() + " " + g.ruleIndex() + " " + g.subject())
                .containsExactly(
                        "ClusterRoleBinding ops ClusterRole pod-reader 0 Group ops",
                        "RoleBinding team-a/alice-pods ClusterRole pod-reader 0 User alice");
    }

    @Test
    void whoCanNamesEverySubjectWithItsBindings() {
        List<SubjectGrants> who = new Authorizer(MODEL).whoCan(pods("list", "team-b"));
        assertThat(who)
                .extracting(s -> s.subject().toString())
                .containsExactly("Group ops", "ServiceAccount mon/prom", "Group system:serviceaccounts:team-b");
        assertThat(who.get(2).grants())
                .extracting(g -> g.binding().toString())
                .containsExactly("RoleBinding team-b/all-sa-b");
        assertThat(new Authorizer(MODEL).whoCan(AccessRequest.resource("get", "apps", "deployments", "", "", "team-a")))
                .extracting(SubjectGrants::subject)
                .containsExactly(Subject.serviceAccount("team-a", "builder"));
        assertThat(new Authorizer(MODEL).whoCan(pods("delete", "team-a"))).isEmpty();
    }

    @Test
    void permissionsAreGroupedByScope() {
        Map<String, List<Grant>> alice = new Authorizer(MODEL).permissions(Subject.user("alice"));
        assertThat(alice.keySet()).containsExactly("team-a");
        Map<String, List<Grant>> prom = new Authorizer(MODEL).permissions(Subject.serviceAccount("mon", "prom"));
        assertThat(prom.keySet()).containsExactly("");
        assertThat(prom.get("")).hasSize(2);
        Map<String, List<Grant>> teamB = new Authorizer(MODEL).permissions(Subject.serviceAccount("team-b", "x"));
        assertThat(teamB.keySet()).containsExactly("team-b");
    }
}
