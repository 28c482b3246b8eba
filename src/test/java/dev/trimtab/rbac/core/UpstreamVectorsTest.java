package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream Kubernetes test vectors under {@code src/test/resources/rbac/} (README.md there
 * names the files and commit), one parameterized case per request.
 */
class UpstreamVectorsTest {
    static Stream<Arguments> ruleMatches() {
        List<Arguments> out = new ArrayList<>();
        for (String file : List.of("rule-matches.yaml", "helper-semantics.yaml")) {
            for (Map<String, Object> c : Fixtures.list(Fixtures.load(file))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) c.get("rule");
                PolicyRule rule = new PolicyRule(
                        Fixtures.strings(r.get("verbs")),
                        Fixtures.strings(r.get("apiGroups")),
                        Fixtures.strings(r.get("resources")),
                        Fixtures.strings(r.get("resourceNames")),
                        Fixtures.strings(r.get("nonResourceURLs")));
                for (Map<String, Object> q : Fixtures.list(c.get("requests"))) {
                    AccessRequest request = Fixtures.request(q);
                    out.add(Arguments.of(file + ": " + c.get("name") + ": " + request, rule, request, q.get("want")));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleMatches")
    void ruleAllows(String name, PolicyRule rule, AccessRequest request, boolean want) {
        assertThat(rule.allows(request)).isEqualTo(want);
    }

    static Stream<Arguments> authorizer() {
        List<Arguments> out = new ArrayList<>();
        for (Map<String, Object> c : Fixtures.list(Fixtures.load("authorizer.yaml"))) {
            RbacModel model = Fixtures.model(c);
            for (String key : List.of("pass", "fail")) {
                for (Map<String, Object> q : Fixtures.list(c.get(key))) {
                    UserInfo user = Fixtures.user(q);
                    AccessRequest request = Fixtures.request(q);
                    out.add(Arguments.of(
                            c.get("name") + ": " + key + ": " + user + " " + request,
                            model,
                            user,
                            request,
                            key.equals("pass")));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("authorizer")
    void authorize(String name, RbacModel model, UserInfo user, AccessRequest request, boolean want) {
        Answer answer = new Authorizer(model).canI(user, request);
        assertThat(answer.allowed()).isEqualTo(want);
        assertThat(answer.grants().isEmpty()).isEqualTo(!want);
        answer.grants().forEach(g -> assertThat(g.rule().allows(request)).isTrue());
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> effectiveRules() {
        Map<String, Object> data = (Map<String, Object>) Fixtures.load("rule-resolver.yaml");
        Map<String, Object> resolver = (Map<String, Object>) data.get("resolver");
        RbacModel model = Fixtures.model(resolver);
        return Fixtures.list(resolver.get("cases")).stream()
                .map(c -> Arguments.of(
                        "TestDefaultRuleResolver: " + c.get("name"),
                        model,
                        Fixtures.user(c),
                        c.get("namespace"),
                        Fixtures.rules(c.get("effectiveRules"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("effectiveRules")
    void rulesFor(String name, RbacModel model, UserInfo user, String namespace, List<PolicyRule> want) {
        List<PolicyRule> got = new Authorizer(model)
                .rulesFor(user, namespace).stream().map(Grant::rule).toList();
        assertThat(new HashSet<>(got)).isEqualTo(new HashSet<>(want));
        assertThat(got).hasSameSizeAs(want);
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> appliesTo() {
        Map<String, Object> data = (Map<String, Object>) Fixtures.load("rule-resolver.yaml");
        return Fixtures.list(data.get("appliesTo")).stream()
                .map(c -> Arguments.of(
                        "TestAppliesTo: " + c.get("name"),
                        Fixtures.subjects(c.get("subjects")),
                        Fixtures.user(c),
                        c.get("appliesTo"),
                        ((Long) c.get("index")).intValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appliesTo")
    void subjectApplies(String name, List<Subject> subjects, UserInfo user, boolean applies, int index) {
        int first = -1;
        for (int i = 0; i < subjects.size() && first < 0; i++) {
            first = subjects.get(i).appliesTo(user) ? i : -1;
        }
        assertThat(first >= 0).isEqualTo(applies);
        if (applies) {
            assertThat(first).isEqualTo(index);
        }
    }

    @Test
    void everyUpstreamFileContributesVectors() {
        assertThat(ruleMatches().count()).isEqualTo(70 + 23);
        assertThat(authorizer().count()).isEqualTo(34);
        assertThat(effectiveRules().count()).isEqualTo(4);
        assertThat(appliesTo().count()).isEqualTo(9);
    }
}
