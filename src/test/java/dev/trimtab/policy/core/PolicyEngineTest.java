package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The API server's ValidatingAdmissionPolicy semantics, on vectors carried over from
 * kubernetes/kubernetes test/integration/apiserver/cel/validatingadmissionpolicy_test.go and
 * kubernetes/apiserver v0.36.3 pkg/admission/plugin/policy (validating/admission_test.go,
 * validator_test.go, matching/matching_test.go): policies, requests and expected messages as data.
 */
class PolicyEngineTest {
    static final String MARKER = "{expression: \"object.metadata.name != 'test-marker'\"}";

    record Setup(PolicyEngine engine, ObjectCluster cluster, List<String> errors) {
        PolicyEngine.Verdict review(String request) throws Exception {
            return engine.review(AdmissionReviews.request(AdmissionReviews.JSON.readTree(request)), cluster);
        }
    }

    static Setup setup(String yaml) throws Exception {
        Path dir = Files.createTempDirectory("policies");
        Files.writeString(dir.resolve("all.yaml"), yaml);
        PolicyDirectory.Contents c = PolicyDirectory.read(dir);
        return new Setup(new PolicyEngine(c.policies(), c.bindings()), c.cluster(), c.errors());
    }

    static String policy(String name, String failurePolicy, String resources, String extra) {
        return """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: %s}
                spec:
                  failurePolicy: %s
                  matchConstraints:
                    resourceRules: [{operations: ["*"], apiGroups: [""], apiVersions: ["*"], resources: [%s]}]
                %s
                ---
                """.formatted(name, failurePolicy, resources, extra.stripIndent().indent(2));
    }

    static String binding(String name, String policy, String actions, String paramRef) {
        return """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: %s}
                spec:
                  policyName: %s
                  validationActions: [%s]
                %s
                ---
                """.formatted(name, policy, actions, paramRef.indent(2));
    }

    static String create(String resource, String kind, String name, String namespace, String object) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u1\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"" + kind + "\"},\"resource\":{\"group\":\"\","
                + "\"version\":\"v1\",\"resource\":\"" + resource + "\"},\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"alice\"},\"object\":" + object
                + "}}";
    }

    static String namespace(String name) {
        return create(
                "namespaces",
                "Namespace",
                name,
                "",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\"," + "\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    static String configMap(String name) {
        return create(
                "configmaps",
                "ConfigMap",
                name,
                "default",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + "\"metadata\":{\"name\":\"" + name
                        + "\",\"namespace\":\"default\"}}");
    }

    @Test
    void aDefaultMessageAndReason() throws Exception {
        Setup s = setup(policy(
                        "validate-namespace-suffix",
                        "Fail",
                        "namespaces",
                        "  validations: [" + MARKER + ", {expression: \"object.metadata.name.endsWith('k8s')\"}]")
                + binding("validate-namespace-suffix-binding", "validate-namespace-suffix", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(namespace("test-foobar"));
        assertThat(v.allowed()).isFalse();
        assertThat(v.message())
                .isEqualTo("namespaces \"test-foobar\" is forbidden: ValidatingAdmissionPolicy "
                        + "'validate-namespace-suffix' with binding 'validate-namespace-suffix-binding' denied request: "
                        + "failed expression: object.metadata.name.endsWith('k8s')");
        assertThat(v.reason()).isEqualTo("Invalid");
        assertThat(v.code()).isEqualTo(422);
        assertThat(s.review(namespace("test-k8s")).allowed()).isTrue();
    }

    @Test
    void bACustomReasonSetsTheCode() throws Exception {
        Setup s = setup(policy(
                        "p",
                        "Fail",
                        "namespaces",
                        "  validations: [{expression: \"object.metadata.name.endsWith('k8s')\", reason: Forbidden}]")
                + binding("b", "p", "Deny", ""));
        PolicyEngine.Verdict v = s.review(namespace("forbidden-test-foobar"));
        assertThat(v.reason()).isEqualTo("Forbidden");
        assertThat(v.code()).isEqualTo(403);
    }

    @Test
    void cARuntimeErrorDeniesUnderFailAndIsIgnoredUnderIgnore() throws Exception {
        String validation = "  validations: [{expression: \"object.nonExistentProperty == 'someval'\"}]";
        Setup fail = setup(policy("validate-namespace-suffix", "Fail", "namespaces", validation)
                + binding("validate-namespace-suffix-binding", "validate-namespace-suffix", "Deny", ""));
        assertThat(fail.review(namespace("test-k8s")).message())
                .isEqualTo("namespaces \"test-k8s\" is forbidden: "
                        + "ValidatingAdmissionPolicy 'validate-namespace-suffix' with binding 'validate-namespace-suffix-binding' "
                        + "denied request: expression 'object.nonExistentProperty == 'someval'' resulted in error: "
                        + "no such key: nonExistentProperty");
        Setup ignore = setup(policy("p", "Ignore", "namespaces", validation) + binding("b", "p", "Deny", ""));
        assertThat(ignore.review(namespace("test-k8s")).allowed()).isTrue();
    }

    @Test
    void dParamsAreNullWhenTheBindingHasNoParamRef() throws Exception {
        String kind = "  paramKind: {apiVersion: v1, kind: ConfigMap}\n";
        Setup s = setup(policy(
                        "p",
                        "Fail",
                        "namespaces",
                        kind
                                + "  validations: [{expression: \"object.metadata.name.startsWith(params.metadata.name)\"}]")
                + binding("b", "p", "Deny", ""));
        assertThat(s.review(namespace("test-k8s")).message())
                .endsWith(
                        "denied request: expression "
                                + "'object.metadata.name.startsWith(params.metadata.name)' resulted in error: no such key: metadata");
        Setup guarded = setup(policy(
                        "p",
                        "Fail",
                        "namespaces",
                        kind + "  validations: [{expression: "
                                + "\"(params != null && object.metadata.name.endsWith(params.metadata.name))\"}]")
                + binding("b", "p", "Deny", ""));
        assertThat(guarded.review(namespace("test-k8s")).message())
                .endsWith("denied request: failed expression: "
                        + "(params != null && object.metadata.name.endsWith(params.metadata.name))");
        Setup ns = setup(
                policy("p", "Fail", "namespaces", kind + "  validations: [{expression: \"namespaceObject == null\"}]")
                        + binding("b", "p", "Deny", ""));
        assertThat(ns.review(namespace("test-k8s")).allowed()).isTrue();
    }

    @Test
    void eWarnWarnsAndAuditAnnotatesTheFailure() throws Exception {
        String validations = "  validations: [" + MARKER + ", {expression: \"object.metadata.name.endsWith('k8s')\"}]";
        Setup warn = setup(policy("validate-actions-warn", "Fail", "configmaps", validations)
                + binding("validate-actions-warn-binding", "validate-actions-warn", "Warn", ""));
        PolicyEngine.Verdict w = warn.review(configMap("test4-nope"));
        assertThat(w.allowed()).isTrue();
        assertThat(w.warnings())
                .containsExactly(
                        "Validation failed for ValidatingAdmissionPolicy 'validate-actions-warn' "
                                + "with binding 'validate-actions-warn-binding': failed expression: object.metadata.name.endsWith('k8s')");
        Setup audit = setup(policy("validate-actions-audit", "Fail", "configmaps", validations)
                + binding("validate-actions-audit-binding", "validate-actions-audit", "Deny, Audit", ""));
        PolicyEngine.Verdict a = audit.review(configMap("test5-nope"));
        assertThat(a.message())
                .isEqualTo("configmaps \"test5-nope\" is forbidden: ValidatingAdmissionPolicy "
                        + "'validate-actions-audit' with binding 'validate-actions-audit-binding' denied request: failed expression: "
                        + "object.metadata.name.endsWith('k8s')");
        assertThat(a.code()).isEqualTo(422);
        assertThat(a.auditAnnotations())
                .containsEntry(
                        PolicyEngine.VALIDATION_FAILURE_ANNOTATION,
                        "[{\"message\":\"failed expression: object.metadata.name.endsWith('k8s')\",\"policy\":\"validate-actions-audit\","
                                + "\"binding\":\"validate-actions-audit-binding\",\"expressionIndex\":1,\"validationActions\":[\"Deny\",\"Audit\"]}]");
    }

    @Test
    void fAuditAnnotationsArePublishedAndTheirErrorsDenyUnderFail() throws Exception {
        String kind = "  paramKind: {apiVersion: v1, kind: ConfigMap}\n";
        Setup s = setup(policy("validate-audit-annotations", "Fail", "configmaps", kind + """
                  auditAnnotations:
                  - {key: example-key, valueExpression: "'object name: ' + object.metadata.name"}
                  - {key: exclude-key, valueExpression: "null"}""")
                + binding("b", "validate-audit-annotations", "Deny", ""));
        PolicyEngine.Verdict v = s.review(configMap("test1-k8s"));
        assertThat(v.allowed()).isTrue();
        assertThat(v.auditAnnotations())
                .containsExactly(Map.entry("validate-audit-annotations/example-key", "object name: test1-k8s"));
        String invalid =
                kind + "  auditAnnotations: [{key: example-key, valueExpression: \"string(params.metadata.name)\"}]";
        Setup fail = setup(policy("validate-audit-annotations-invalid", "Fail", "configmaps", invalid)
                + binding(
                        "validate-audit-annotations-invalid-binding",
                        "validate-audit-annotations-invalid",
                        "Audit",
                        ""));
        assertThat(fail.review(configMap("test2-k8s")).message())
                .as("denies even for an Audit-only binding")
                .isEqualTo(
                        "configmaps \"test2-k8s\" is forbidden: ValidatingAdmissionPolicy "
                                + "'validate-audit-annotations-invalid' with binding 'validate-audit-annotations-invalid-binding' "
                                + "denied request: expression 'string(params.metadata.name)' resulted in error: no such key: metadata");
        Setup ignore = setup(policy("p", "Ignore", "configmaps", invalid) + binding("b", "p", "Deny", ""));
        assertThat(ignore.review(configMap("test2-k8s")).allowed()).isTrue();
    }

    @Test
    void gParamsAreLookedUpAndAMissingOneDeniesOrSkips() throws Exception {
        String p = policy("max-replicas", "Fail", "configmaps", """
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  validations: [{expression: "object.metadata.name.startsWith(params.data.prefix)",
                                 messageExpression: "'name must start with ' + params.data.prefix"}]""");
        String param = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: rules, namespace: default}
                data: {prefix: team-}
                ---
                """;
        Setup found = setup(p
                + param
                + binding(
                        "b",
                        "max-replicas",
                        "Deny",
                        "paramRef: {name: rules, namespace: default, parameterNotFoundAction: Deny}"));
        assertThat(found.review(configMap("team-a")).allowed()).isTrue();
        assertThat(found.review(configMap("other")).message()).endsWith("denied request: name must start with team-");
        Setup deny = setup(p
                + binding(
                        "b",
                        "max-replicas",
                        "Deny",
                        "paramRef: {name: rules, namespace: default, parameterNotFoundAction: Deny}"));
        assertThat(deny.review(configMap("team-a")).message())
                .endsWith("denied request: failed to configure binding: "
                        + "no params found for policy binding with `Deny` parameterNotFoundAction");
        Setup allow = setup(p
                + binding(
                        "b",
                        "max-replicas",
                        "Deny",
                        "paramRef: {name: rules, namespace: default, parameterNotFoundAction: Allow}"));
        assertThat(allow.review(configMap("other")).allowed()).isTrue();
    }

    @Test
    void hANamespacedParamForAClusterScopedRequestIsAConfigurationError() throws Exception {
        Setup s = setup(policy("p", "Fail", "namespaces", """
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  validations: [{expression: "true"}]""")
                + binding("b", "p", "Warn", "paramRef: {name: rules, parameterNotFoundAction: Deny}"));
        PolicyEngine.Verdict v = s.review(namespace("x"));
        assertThat(v.allowed())
                .as("configuration errors deny whatever the actions")
                .isFalse();
        assertThat(v.message())
                .endsWith("denied request: failed to configure binding: cannot use namespaced paramRef in "
                        + "policy binding that matches cluster-scoped resources");
    }

    @Test
    void matchConditionsSkipThePolicyWhenFalse() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  matchConditions: [{name: not-system, expression: "!request.userInfo.username.startsWith('system:')"}]
                  validations: [{expression: "false", message: "no"}]""") + binding("b", "p", "Deny", ""));
        assertThat(s.review(configMap("a")).message()).endsWith("denied request: no");
        assertThat(s.review(configMap("a").replace("alice", "system:admin")).allowed())
                .isTrue();
    }

    @Test
    void variablesAreEvaluatedWhenReadAndTheirErrorsNameThem() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  variables:
                  - {name: name, expression: "object.metadata.name"}
                  - {name: broken, expression: "object.spec.missing"}
                  validations:
                  - {expression: "variables.name.size() < 10", messageExpression: "'too long: ' + variables.name"}""") + binding("b", "p", "Deny", ""));
        assertThat(s.review(configMap("short")).allowed())
                .as("an unread failing variable does no harm")
                .isTrue();
        assertThat(s.review(configMap("a-very-long-name")).message())
                .endsWith("denied request: too long: a-very-long-name");
    }

    @Test
    void aBadMessageExpressionResultFallsBackToTheMessage() throws Exception {
        for (String bad : List.of("' '", "'hello\\\\nthere'", "string(object.missing)")) {
            Setup s = setup(policy(
                            "p",
                            "Fail",
                            "configmaps",
                            "  validations: [{expression: \"false\", message: test1, " + "messageExpression: \"" + bad
                                    + "\"}]")
                    + binding("b", "p", "Deny", ""));
            assertThat(s.errors()).as(bad).isEmpty();
            assertThat(s.review(configMap("a")).message()).as(bad).endsWith("denied request: test1");
        }
    }

    @Test
    void exclusionsWinAndSubresourceRulesMatchAsTheApiServerDoes() throws Exception {
        Setup s = setup("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: replicas}
                spec:
                  matchConstraints:
                    resourceRules: [{operations: [UPDATE], apiGroups: [apps], apiVersions: ["*"], resources: ["deployments/scale"]}]
                    excludeResourceRules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"],
                                            resourceNames: [exempt]}]
                  validations: [{expression: "object.spec.replicas <= 5", message: at most 5}]
                ---
                """ + binding("b", "replicas", "Deny", ""));
        String scale =
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                        + "\"kind\":{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"},\"resource\":{\"group\":\"apps\","
                        + "\"version\":\"v1\",\"resource\":\"deployments\"},\"subResource\":\"scale\",\"name\":\"NAME\","
                        + "\"namespace\":\"shop\",\"operation\":\"UPDATE\",\"object\":{\"apiVersion\":\"autoscaling/v1\",\"kind\":"
                        + "\"Scale\",\"metadata\":{\"name\":\"NAME\",\"namespace\":\"shop\"},\"spec\":{\"replicas\":9}}}}";
        PolicyEngine.Verdict v = s.review(scale.replace("NAME", "web"));
        assertThat(v.message())
                .isEqualTo("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'replicas' "
                        + "with binding 'b' denied request: at most 5");
        assertThat(s.review(scale.replace("NAME", "exempt")).allowed()).isTrue();
        assertThat(s.review(scale.replace("\"scale\"", "\"status\"").replace("NAME", "web"))
                        .allowed())
                .isTrue();
    }

    @Test
    void aRunawayExpressionIsStoppedByTheCostLimit() throws Exception {
        Setup s = setup(policy(
                        "p",
                        "Fail",
                        "configmaps",
                        "  validations: [{expression: \"[1,2,3,4,5,6,7,8,9,10]"
                                + ".all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, "
                                + "[1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, a + b + c + d + e + f > 0))))))\"}]")
                + binding("b", "p", "Deny", ""));
        assertThat(s.review(configMap("a")).message())
                .endsWith("resulted in error: operation cancelled: actual cost " + "limit exceeded");
    }

    @Test
    void anInvalidPolicyIsReportedWithItsPathsAndPositionsAndTheOthersStillWork() throws Exception {
        Setup compile = setup(policy("broken", "Ignore", "configmaps", """
                  validations: [{expression: "object.metadata.name =="}, {expression: "objct.x == 1"}]""")
                + policy("works", "Fail", "configmaps", "  validations: [{expression: \"false\", message: works}]")
                + binding("b1", "broken", "Deny", "")
                + binding("b2", "works", "Deny", ""));
        assertThat(compile.errors())
                .singleElement()
                .asString()
                .contains("spec.validations[0].expression: compilation failed: line 1, column")
                .contains(
                        "spec.validations[1].expression: compilation failed: line 1, column 1: undeclared reference to 'objct'");
        // under Ignore the policy that does not compile is skipped; the others still decide
        assertThat(compile.review(configMap("a")).message())
                .endsWith("'works' with binding 'b2' denied request: works");
    }

    /**
     * The API server keeps a policy whose expressions do not compile (kubernetes
     * staging/src/k8s.io/apiserver/pkg/admission/plugin/cel/activation.go: {@code compilation error:
     * %v}; compile.go: {@code compilation failed: } + the CEL issues, or {@code must evaluate to bool
     * but got int}) and, under failurePolicy Fail, denies every request it matches.
     */
    @Test
    void aPolicyThatDoesNotCompileDeniesWhatItMatchesUnderFail() throws Exception {
        Setup s = setup(policy("broken", "Fail", "pods", """
                  validations: [{expression: "object.spec.containers.all(c, !c.image.endsWith(':latest')", message: no latest}]""") + binding("b", "broken", "Deny", ""));
        assertThat(s.errors()).singleElement().asString().contains("ValidatingAdmissionPolicy 'broken' is invalid");
        String pod = create(
                "pods",
                "Pod",
                "web",
                "default",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                        + "{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"a\","
                        + "\"image\":\"nginx:latest\"}]}}");
        PolicyEngine.Verdict v = s.review(pod);
        assertThat(v.allowed()).isFalse();
        assertThat(v.code()).isEqualTo(422);
        assertThat(v.message())
                .startsWith("pods \"web\" is forbidden: ValidatingAdmissionPolicy 'broken' with binding 'b' "
                        + "denied request: compilation error: compilation failed: ERROR: <input>:1:");
        assertThat(s.review(configMap("a")).allowed())
                .as("what it does not match")
                .isTrue();

        Setup typed = setup(policy(
                        "typed",
                        "Fail",
                        "configmaps",
                        "  validations: [{expression: \"1 + 1\"}, " + "{expression: \"true\"}]")
                + binding("b", "typed", "Deny", ""));
        assertThat(typed.review(configMap("a")).message())
                .endsWith("ValidatingAdmissionPolicy 'typed' with binding 'b' "
                        + "denied request: compilation error: must evaluate to bool but got int");

        Setup ignored = setup(policy("broken", "Ignore", "pods", """
                  validations: [{expression: "object.spec.containers.all(c, !c.image.endsWith(':latest')"}]""") + binding("b", "broken", "Deny", ""));
        PolicyEngine.Verdict skipped = ignored.review(pod);
        assertThat(skipped.allowed()).isTrue();
        assertThat(skipped.results())
                .extracting(PolicyEngine.Result::outcome)
                .containsExactly(PolicyEngine.Outcome.error);
    }

    @Test
    void aMatchConditionThatDoesNotCompileFailsUnderFailAndSkipsUnderIgnore() throws Exception {
        String conditions = "  matchConditions: [{name: c, expression: \"object.metadata.name ==\"}]\n"
                + "  validations: [{expression: \"false\", message: denied}]";
        Setup fail = setup(policy("p", "Fail", "configmaps", conditions) + binding("b", "p", "Deny", ""));
        assertThat(fail.review(configMap("a")).message())
                .contains("'p' with binding 'b' denied request: compilation error: "
                        + "compilation failed: ERROR: <input>:1:");
        Setup ignore = setup(policy("p", "Ignore", "configmaps", conditions) + binding("b", "p", "Deny", ""));
        assertThat(ignore.review(configMap("a")).allowed()).isTrue();
    }

    @Test
    void aPolicyOrBindingThatCannotBeReadFailsWhatItMatchesWhenItsScopeIsKnown() throws Exception {
        Setup s = setup(policy("broken", "Fail", "configmaps", """
                  validations: [{expression: "true", reason: Teapot}]""")
                + policy("works", "Fail", "configmaps", "  validations: [{expression: \"false\", message: works}]")
                + binding("b1", "broken", "Deny", "")
                + binding("b2", "works", "Deny", ""));
        assertThat(s.errors())
                .singleElement()
                .asString()
                .contains("ValidatingAdmissionPolicy 'broken' is invalid")
                .contains("spec.validations[0].reason: got \"Teapot\"");
        assertThat(s.review(configMap("a")).message())
                .endsWith("ValidatingAdmissionPolicy 'broken' denied request: "
                        + "failed to configure policy: spec.validations[0].reason: got \"Teapot\", expected one of "
                        + "[Forbidden, Invalid, RequestEntityTooLarge, Unauthorized]");
        assertThat(s.review(namespace("n")).allowed())
                .as("what it does not match")
                .isTrue();

        Setup binding = setup(policy("p", "Fail", "configmaps", "  validations: [{expression: \"true\"}]")
                + binding("b", "p", "Deny, Warn", ""));
        assertThat(binding.errors())
                .singleElement()
                .asString()
                .contains("ValidatingAdmissionPolicyBinding 'b' is invalid");
        assertThat(binding.review(configMap("a")).message())
                .endsWith("ValidatingAdmissionPolicy 'p' with binding 'b' "
                        + "denied request: failed to configure binding: spec.validationActions: got [\"Deny\",\"Warn\"], "
                        + "must not contain both Deny and Warn");
        Setup ignored = setup(policy("p", "Ignore", "configmaps", "  validations: [{expression: \"true\"}]")
                + binding("b", "p", "Deny, Warn", ""));
        assertThat(ignored.review(configMap("a")).allowed()).isTrue();

        Setup unreadable = setup("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: nowhere}
                spec: {validations: [{expression: "false"}]}
                ---
                """ + binding("b", "nowhere", "Deny", ""));
        assertThat(unreadable.errors()).singleElement().asString().contains("spec.matchConstraints: missing, required");
        assertThat(unreadable.review(configMap("a")).allowed())
                .as("nobody can tell what it is about")
                .isTrue();
    }

    @Test
    void kubernetesListAndRegexFunctions() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  validations:
                  - expression: "[1, 2, 3].isSorted() && [1, 5, 2].sum() == 8 && [3, 1].min() == 1 && [3, 1].max() == 3"
                  - expression: "[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2"
                  - expression: "'abc 123 def 456'.find('[0-9]+') == '123' && 'abc 123 def 456'.findAll('[0-9]+') == ['123', '456']"
                  - expression: "'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']\"""") + binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(configMap("a"));
        assertThat(v.results()).extracting(PolicyEngine.Result::outcome).containsOnly(PolicyEngine.Outcome.pass);
        assertThat(v.allowed()).isTrue();
    }

    @Test
    void kubernetesQuantityFunctions() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  validations:
                  - expression: "quantity('1Gi') == quantity('1024Mi') && quantity('500m').isLessThan(quantity('1'))"
                  - expression: "quantity('1.5').isInteger() == false && quantity('2k').asInteger() == 2000"
                  - expression: "quantity('1Mi').add(quantity('1Mi')).compareTo(quantity('2Mi')) == 0 && quantity('3').sub(1) == quantity('2')"
                  - expression: "quantity('-1').sign() == -1 && quantity('1e3').asApproximateFloat() == 1000.0"
                  - expression: "isQuantity('100Mi') && !isQuantity('100MB') && quantity('2Gi').isGreaterThan(quantity('1G'))"
                  - expression: "quantity('1.5').asInteger() == 1\"""") + binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(configMap("a"));
        assertThat(v.results())
                .extracting(PolicyEngine.Result::outcome)
                .containsExactly(
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.error);
        assertThat(v.message())
                .endsWith("expression 'quantity('1.5').asInteger() == 1' resulted in error: "
                        + "cannot convert value to integer");
        Setup bad = setup(policy(
                        "p",
                        "Fail",
                        "configmaps",
                        "  validations: [{expression: \"quantity('12 apples') == quantity('1')\"}]")
                + binding("b", "p", "Deny", ""));
        assertThat(bad.review(configMap("a")).message()).contains("quantities must match the regular expression");
    }

    @Test
    void kubernetesFormatFunctions() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  validations:
                  - expression: "format.dns1123Label().validate('my-name') == optional.none() && format.named('labelValue').hasValue()"
                  - expression: "!format.named('nope').hasValue() && format.dns1123LabelPrefix().validate('web-') == optional.none()"
                  - expression: "format.qualifiedName().validate('example.com/MyName') == optional.none() && format.uuid().validate('x').hasValue()"
                  - expression: "format.date().validate('2026-11-28') == optional.none() && format.datetime().validate('2026-11-28T05:00:00Z') == optional.none()"
                  - expression: "format.dns1123Label().validate('My_Name') == optional.none()"
                    messageExpression: "format.dns1123Label().validate('My_Name').value().join('; ')"
                  - expression: "format.qualifiedName().validate('/x') == optional.none()"
                    messageExpression: "format.named('qualifiedName').value().validate('/x').value()[0]\"""") + binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(configMap("a"));
        assertThat(v.results())
                .extracting(PolicyEngine.Result::outcome)
                .containsExactly(
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.fail,
                        PolicyEngine.Outcome.fail);
        assertThat(v.results().get(4).message())
                .isEqualTo("a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
                        + "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assertThat(v.results().get(5).message()).isEqualTo("prefix part must be non-empty");
    }

    @Test
    void theAuthorizerIsAnsweredFromRbacObjects() throws Exception {
        String rbac = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: approver, namespace: default}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [approve, delete]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: alice-approves, namespace: default}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: approver}
                subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
                ---
                """;
        Setup s = setup(rbac + policy("p", "Fail", "configmaps", """
                  validations:
                  - expression: "authorizer.group('').resource('configmaps').namespace('default').check('approve').allowed()"
                  - expression: "authorizer.requestResource.check('delete').allowed() && !authorizer.requestResource.check('patch').allowed()"
                  - expression: "!authorizer.group('').resource('configmaps').namespace('other').check('approve').allowed()"
                  - expression: "!authorizer.serviceAccount('default', 'robot').group('').resource('configmaps').namespace('default').check('approve').allowed()"
                  - expression: "authorizer.path('/healthz').check('get').allowed()"
                    messageExpression: "'no: ' + authorizer.path('/healthz').check('get').reason()"
                  - expression: "authorizer.requestResource.check('approve').reason().startsWith('RBAC: allowed by RoleBinding default/alice-approves')\"""") + binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(configMap("a"));
        assertThat(v.results())
                .extracting(PolicyEngine.Result::outcome)
                .containsExactly(
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.pass,
                        PolicyEngine.Outcome.fail,
                        PolicyEngine.Outcome.pass);
        assertThat(v.results().get(4).message()).isEqualTo("no:");
    }

    /** Selectors are read as everywhere else (kube.LabelSelector.parse): In and NotIn need values, as the API requires. */
    @Test
    void aBindingWhoseSelectorTheApiServerWouldRefuseIsInvalid() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", "validations: [{expression: \"false\"}]")
                + binding(
                        "b",
                        "p",
                        "Deny",
                        "matchResources: {objectSelector: {matchExpressions: [{key: tier, operator: In}]}}"));
        assertThat(s.errors())
                .singleElement()
                .asString()
                .contains("ValidatingAdmissionPolicyBinding 'b' is invalid")
                .contains("matchResources.objectSelector.matchExpressions[0].values: got [], must be non-empty for In");
    }

    @Test
    void kubernetesIpCidrAndUrlFunctions() throws Exception {
        Setup s = setup(policy("p", "Fail", "configmaps", """
                  validations:
                  - expression: "ip('192.168.0.1').family() == 4 && ip('::1').family() == 6 && ip('::1').isLoopback()"
                  - expression: "isIP('1.2.3.4') && !isIP('1.2.3.04') && !isIP('::ffff:1.2.3.4') && !isIP('::ffff:102:304') && !isIP('fe80::1%eth0') && !isIP('example.com') && !isIP('\u0661.2.3.4') && isIP('::1.2.3.4') && !isCIDR('10.0.0.0/08') && !isCIDR('10.0.0.0/\u0668')"
                  - expression: "ip('0.0.0.0').isUnspecified() && ip('169.254.0.1').isLinkLocalUnicast() && ip('8.8.8.8').isGlobalUnicast() && !ip('224.0.0.1').isGlobalUnicast()"
                  - expression: "cidr('192.168.0.0/16').containsIP(ip('192.168.1.1')) && !cidr('192.168.0.0/16').containsIP('10.0.0.1') && cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')"
                  - expression: "cidr('192.168.1.5/24').masked() == cidr('192.168.1.0/24') && cidr('::1/128').prefixLength() == 128 && cidr('10.0.0.7/8').ip() == ip('10.0.0.7')"
                  - expression: "string(cidr('2001:db8::/32')) == '2001:db8::/32' && string(ip('2001:db8:0:0:0:0:0:1')) == '2001:db8::1' && isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')"
                  - expression: "url('https://user@example.com:8443/a%20b?x=1&x=2').getHostname() == 'example.com' && url('https://example.com:8443/').getPort() == '8443' && url('https://example.com/').getScheme() == 'https'"
                  - expression: "url('https://example.com/a%20b?x=1&x=2').getEscapedPath() == '/a%20b' && url('https://example.com/?x=1&x=2').getQuery()['x'] == ['1', '2'] && url('/just/path').getHost() == '' && !isURL('not a url') && url('https://[::1]:80/').getHostname() == '::1'\"""") + binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(configMap("a"));
        assertThat(v.results()).extracting(PolicyEngine.Result::message).containsOnlyNulls();
        assertThat(v.allowed()).isTrue();
    }

    @Test
    void theNamespaceIsReadOnlyOnceAPolicyAndBindingMatch() throws Exception {
        // the API server reads it (from its cache) for every matching binding; a request no policy
        // matches, or one whose selectors are empty, never needs it
        Setup s = setup(policy("p", "Fail", "pods", "  validations: [{expression: \"object.metadata.name != 'x'\"}]")
                + binding("b", "p", "Deny", ""));
        PolicyEngine.Cluster unreachable = new PolicyEngine.Cluster() {
            public Map<String, Object> namespace(String name) {
                throw new IllegalStateException("the API is down");
            }

            public boolean namespaced(ValidatingPolicy.ParamKind kind) {
                return true;
            }

            public List<Map<String, Object>> params(
                    ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector) {
                return List.of();
            }
        };
        AdmissionRequest request = AdmissionReviews.request(AdmissionReviews.JSON.readTree(configMap("a")));
        assertThat(s.engine().review(request, unreachable).allowed()).isTrue();
        Setup reads = setup(
                policy("p", "Fail", "configmaps", "  validations: [{expression: \"object.metadata.name != 'x'\"}]")
                        + binding("b", "p", "Deny", ""));
        Assertions.assertThatThrownBy(() -> reads.engine().review(request, unreachable))
                .hasMessage("the API is down");
    }

    @Test
    void aMalformedAdmissionReviewNamesItsFields() {
        Assertions.assertThatThrownBy(
                        () -> AdmissionReviews.request(
                                AdmissionReviews.JSON.readTree(
                                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"PATCH\"}}")))
                .hasMessageContaining("request.uid: missing")
                .hasMessageContaining("request.operation: got \"PATCH\", expected CREATE, UPDATE, DELETE or CONNECT")
                .hasMessageContaining("request.kind: missing");
    }

    @Test
    void aMalformedRequestKindOrResourceIsAnErrorNotReplacedByKindAndResource() throws Exception {
        ObjectNode review = (ObjectNode) AdmissionReviews.JSON.readTree(configMap("a"));
        ObjectNode r = (ObjectNode) review.get("request");
        r.putObject("requestKind").put("group", "apps");
        r.put("requestResource", "configmaps");
        Assertions.assertThatThrownBy(() -> AdmissionReviews.request(review))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request.requestKind: got {\"group\":\"apps\"}")
                .hasMessageContaining("request.requestResource: got \"configmaps\"");
        r.remove("requestKind");
        r.remove("requestResource");
        AdmissionRequest fine = AdmissionReviews.request(review);
        assertThat(fine.requestKind()).as("absent: the request's own kind").isEqualTo(fine.kind());
    }
}
